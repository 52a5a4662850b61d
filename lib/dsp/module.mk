# lib/dsp: fixed-point signal processing shared by the drivers and boards (the resampler);
# header-only templates, so no sources of its own.
MODULES  += dsp
dsp_SRCS :=
