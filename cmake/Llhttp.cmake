# llhttp: prefer an installed library; otherwise build Debian's node-llhttp C sources
# (/usr/share/llhttp) as a static library. The sources are never copied into this repo.
find_path(LLHTTP_INCLUDE_DIR llhttp.h PATHS /usr/include /usr/local/include NO_CACHE)
find_library(LLHTTP_LIBRARY NAMES llhttp)
if(LLHTTP_INCLUDE_DIR AND LLHTTP_LIBRARY)
  add_library(llhttp UNKNOWN IMPORTED)
  set_target_properties(llhttp PROPERTIES IMPORTED_LOCATION "${LLHTTP_LIBRARY}"
                        INTERFACE_INCLUDE_DIRECTORIES "${LLHTTP_INCLUDE_DIR}")
  message(STATUS "llhttp: system library ${LLHTTP_LIBRARY}")
else()
  set(LLHTTP_SOURCE_DIR /usr/share/llhttp CACHE PATH "Directory with llhttp.c, api.c, http.c")
  set(LLHTTP_HEADER_DIR /usr/share/include/llhttp CACHE PATH "Directory with llhttp.h")
  if(NOT EXISTS "${LLHTTP_SOURCE_DIR}/llhttp.c" OR NOT EXISTS "${LLHTTP_HEADER_DIR}/llhttp.h")
    message(FATAL_ERROR "llhttp not found: install Debian's node-llhttp or set LLHTTP_SOURCE_DIR/LLHTTP_HEADER_DIR")
  endif()
  add_library(llhttp STATIC
    ${LLHTTP_SOURCE_DIR}/llhttp.c ${LLHTTP_SOURCE_DIR}/api.c ${LLHTTP_SOURCE_DIR}/http.c)
  target_include_directories(llhttp SYSTEM PUBLIC ${LLHTTP_HEADER_DIR})
  set_target_properties(llhttp PROPERTIES POSITION_INDEPENDENT_CODE ON C_STANDARD 99)
  target_compile_options(llhttp PRIVATE -O2 -w)
  if(SWITCHYARD_SANITIZE)
    target_compile_options(llhttp PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer)
  endif()
  if(SWITCHYARD_FUZZ)
    # llhttp is most of the parsing the fuzzers exercise: give libFuzzer its coverage.
    target_compile_options(llhttp PRIVATE -fsanitize=fuzzer-no-link,address,undefined
                           -fno-omit-frame-pointer)
  endif()
  message(STATUS "llhttp: built from ${LLHTTP_SOURCE_DIR}")
endif()
