// Writes the synthesized linux-gate.so.1 page to a file, for file/objdump/readelf/gdb and for
// the round-trip tests (the same 4096 bytes the guest sees at 0xffffe000).
#pragma once

#include <string>

#include "vdso/vdso_image.h"

namespace gate386 {

// Throws std::runtime_error if the file cannot be written completely.
void write_vdso_file(const VdsoImage& image, const std::string& path);

}  // namespace gate386
