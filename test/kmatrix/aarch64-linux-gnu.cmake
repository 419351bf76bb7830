# Cross-compile execsensor for aarch64 (arm64) with Debian's gcc-aarch64-linux-gnu.
#
#   cmake -S . -B build-aarch64 -DCMAKE_TOOLCHAIN_FILE=test/kmatrix/aarch64-linux-gnu.cmake \
#         -DEXECSENSOR_CROSS_ROOT=/path/to/arm64-root -DEXECSENSOR_STATIC=ON
#
# The C library and kernel headers come with the cross compiler
# (libc6-dev-arm64-cross, linux-libc-dev-arm64-cross, in /usr/aarch64-linux-gnu).
# libbpf, libelf, zlib and the compressors come from EXECSENSOR_CROSS_ROOT (or the environment
# variable of that name): a folder into which the arm64 -dev packages were
# unpacked with `dpkg-deb -x` (test/kmatrix/fetch makes one). pkg-config reads
# only that folder's .pc files and prefixes their paths with it.

set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)

# Toolchain files are read again for every try_compile(): keep the root there too.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES EXECSENSOR_CROSS_ROOT)
if(NOT EXECSENSOR_CROSS_ROOT AND DEFINED ENV{EXECSENSOR_CROSS_ROOT})
	set(EXECSENSOR_CROSS_ROOT "$ENV{EXECSENSOR_CROSS_ROOT}")
endif()
if(NOT EXECSENSOR_CROSS_ROOT)
	message(FATAL_ERROR "aarch64 cross build: set EXECSENSOR_CROSS_ROOT to the folder holding "
		"the unpacked arm64 libbpf-dev, libelf-dev, zlib1g-dev and compressor -dev packages")
endif()
set(EXECSENSOR_CROSS_ROOT "${EXECSENSOR_CROSS_ROOT}" CACHE PATH
	"Folder with the unpacked arm64 -dev packages")

set(ENV{PKG_CONFIG_DIR} "")
set(ENV{PKG_CONFIG_PATH} "")
set(ENV{PKG_CONFIG_LIBDIR}
	"${EXECSENSOR_CROSS_ROOT}/usr/lib/aarch64-linux-gnu/pkgconfig:${EXECSENSOR_CROSS_ROOT}/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_SYSROOT_DIR} "${EXECSENSOR_CROSS_ROOT}")

# Libraries and headers of the target only from the cross root and the
# compiler's own tree; programs (clang, bpftool) from the host.
set(CMAKE_FIND_ROOT_PATH "${EXECSENSOR_CROSS_ROOT}" /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
