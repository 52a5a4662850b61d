# ChaCha20 (RFC 8439 vectors) and the ChaCha20 DRBG.
UNIT_MODULES        += crypto
unit_crypto_MODULES := crypto
unit_crypto_TESTS   := $(sort $(wildcard tests/unit/crypto/*.cpp))
