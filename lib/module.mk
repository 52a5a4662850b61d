# lib/: the freestanding base every other module uses (Result, containers, byte order,
# formatted output). Headers only, except the formatter.
MODULES  += lib
lib_SRCS := lib/format.cpp
