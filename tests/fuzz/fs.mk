# Filesystem fuzzers: FAT32 images (read and written) and the /offhook.cfg parser.
FUZZERS += fat_image fat_config
fuzz_fat_image_MODULES  := fs
fuzz_fat_image_SRCS     := tests/fuzz/fuzz_fat_image.cpp
fuzz_fat_config_MODULES := fs
fuzz_fat_config_SRCS    := tests/fuzz/fuzz_fat_config.cpp
