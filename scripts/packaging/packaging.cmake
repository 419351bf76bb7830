# Packaging, included by the top-level CMakeLists.txt: the hardened systemd
# unit, the record schema, the shipping guide and the metrics' list installed beside the programs,
# and CPack's .deb
# of everything `cmake --install` installs (`cpack --config
# BUILD/CPackConfig.cmake`): the three programs, their man pages, the unit,
# the schema and the BPF objects.
set(packaging_dir ${CMAKE_CURRENT_LIST_DIR})
# Where systemd looks for packaged units (/usr/lib/systemd/system with the /usr prefix).
install(FILES ${packaging_dir}/execsensor.service DESTINATION lib/systemd/system)
# Rotation of the unit's output (SIGHUP reopens it).
install(FILES ${packaging_dir}/execsensor.logrotate DESTINATION /etc/logrotate.d
	RENAME execsensor)
install(FILES ${PROJECT_SOURCE_DIR}/docs/events.md ${PROJECT_SOURCE_DIR}/docs/deploy.md
	${PROJECT_SOURCE_DIR}/docs/metrics.md
	DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME execsensor)
set(CPACK_PACKAGE_VENDOR "execsensor")
set(CPACK_PACKAGE_CONTACT "execsensor maintainers")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "process-execution sensor with in-kernel parents
 execsensor reports every execve/execveat with its parent read in the kernel
 at exec time (BPF, offsets from the kernel's BTF, no CO-RE), so that
 short-lived processes keep their parent. JSON lines, loss accounting,
 a fileless-exec rule; see execsensor(8).")
# A static build needs no shared libraries; otherwise dpkg-shlibdeps (dpkg-dev)
# finds them, or, without it, the libraries the programs link are named.
find_program(DPKG_SHLIBDEPS dpkg-shlibdeps)
if(NOT EXECSENSOR_STATIC AND DPKG_SHLIBDEPS)
	set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
elseif(NOT EXECSENSOR_STATIC)
	set(CPACK_DEBIAN_PACKAGE_DEPENDS "libbpf1 (>= 1:1.0.0), libelf1, zlib1g, libc6")
endif()
include(CPack)
