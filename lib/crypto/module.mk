# lib/crypto: the ChaCha20 block function (RFC 8439) and the random generator built on it.
MODULES     += crypto
crypto_SRCS := $(sort $(wildcard lib/crypto/*.cpp))
