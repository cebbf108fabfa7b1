#include "core/vdso_mapping.h"

#include "core/process.h"

namespace gate386 {

void map_vdso(Process&) {}

}  // namespace gate386
