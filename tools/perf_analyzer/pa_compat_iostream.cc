// pa_compat_iostream.cc — std::ios_base_library_init() (GLIBCXX_3.4.32) for a program built
// with GCC 13's <iostream> that runs on GCC 12's libstdc++ (Debian 12). Part of
// libpa_compat.so (see pa_compat.c and README.md in this folder).
//
// Up to GCC 12, every translation unit that includes <iostream> holds a static
// std::ios_base::Init, whose constructor builds std::cout, std::cin, std::cerr, std::clog
// (and the wide ones) the first time and whose last destructor flushes them. GCC 13 moved
// that object into libstdc++.so itself; <iostream> now only references
// std::ios_base_library_init so that the program requires a libstdc++ which does it. A
// GCC 13 program on GCC 12's libstdc++ therefore has nobody constructing the standard
// streams: its first `std::cout << ...` would use an unconstructed object.
//
// This library restores the GCC 12 arrangement for such a program: it holds one
// std::ios_base::Init, constructed when the library is initialized — before the
// executable's own constructors, since the library is the executable's dependency — and
// destroyed at exit after them. The function itself constructs the same object, should
// anything call it before that.
#include <ios>

namespace std {
__attribute__((visibility("default"))) void ios_base_library_init();

void ios_base_library_init()
{
  static ios_base::Init standard_streams;
}
}  // namespace std

namespace {
struct StreamsAtLoad {
  StreamsAtLoad() { std::ios_base_library_init(); }
};
const StreamsAtLoad streams_at_load;
}  // namespace
