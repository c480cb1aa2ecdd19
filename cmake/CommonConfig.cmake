# One INTERFACE target with the compile options every part of Switchyard uses.
add_library(switchyard_common INTERFACE)
target_compile_definitions(switchyard_common INTERFACE
  QT_NO_CAST_FROM_ASCII
  QT_NO_CAST_TO_ASCII
  QT_NO_CONTEXTLESS_CONNECT
  QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
  QT_NO_KEYWORDS
  QT_DISABLE_DEPRECATED_UP_TO=0x060400
  SWITCHYARD_VERSION="${PROJECT_VERSION}")
target_compile_options(switchyard_common INTERFACE
  -Wall -Wextra -Wpedantic -Wold-style-cast -Wnon-virtual-dtor -Woverloaded-virtual
  $<$<CXX_COMPILER_ID:GNU>:-Wshadow=local> -Wcast-qual -Wformat=2 -Wimplicit-fallthrough)
if(SWITCHYARD_WARNINGS_AS_ERRORS)
  target_compile_options(switchyard_common INTERFACE -Werror)
endif()
if(SWITCHYARD_SANITIZE)
  target_compile_options(switchyard_common INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  target_link_options(switchyard_common INTERFACE -fsanitize=address,undefined)
endif()
if(SWITCHYARD_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "SWITCHYARD_FUZZ needs clang (libFuzzer): use the fuzz preset")
  endif()
  # Coverage instrumentation for libFuzzer plus ASan/UBSan in everything the
  # fuzz targets link; the targets add -fsanitize=fuzzer (libFuzzer's main).
  target_compile_options(switchyard_common INTERFACE
    -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
    -fno-omit-frame-pointer)
  target_link_options(switchyard_common INTERFACE -fsanitize=address,undefined)
endif()
