# Filesystem fuzzers: FAT32 images (read and written) and the /offhook.cfg parser.
FUZZERS += fat_image fat_config
fuzz_fat_image_SRCS  := tests/fuzz/fuzz_fat_image.cpp kernel/fs/fat32.cpp kernel/fs/fat_dir.cpp kernel/fs/fat_name.cpp kernel/fs/fat_create.cpp
fuzz_fat_config_SRCS := tests/fuzz/fuzz_fat_config.cpp kernel/fs/config_file.cpp
