// The --stats exit summary (text or JSON), to stderr.
#pragma once
#include <cstdio>

namespace gate386 {

struct Process;
void print_stats(const Process& p, FILE* out);

}  // namespace gate386
