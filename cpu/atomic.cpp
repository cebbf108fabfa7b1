#include "cpu/families.h"
#include "cpu/insn_desc.h"

namespace gate386 {

// Family not written yet: its mnemonics stay unregistered and decode as loud SIGILLs.
void register_atomic() {}

}  // namespace gate386
