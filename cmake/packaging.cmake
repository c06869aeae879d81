# `cpack -G DEB` (SPEC §8): a Debian package of what `cmake --install` puts in place — the
# binaries, the systemd unit, sysusers.d and tmpfiles.d files, the example configuration, the
# documentation — plus maintainer scripts that create the user and directories and reload
# systemd. Dependencies are computed from the binaries (dpkg-shlibdeps).
set(CPACK_PACKAGE_NAME smppgw)
set(CPACK_PACKAGE_VENDOR "smppgw")
set(CPACK_PACKAGE_CONTACT "smppgw maintainers <maintainers@smppgw.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Stripped binaries in the package (the RelWithDebInfo smppgwd is ~180 MB with its debug
# information, which stays in the build tree).
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "systemd")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/systemd/debian/postinst
    ${PROJECT_SOURCE_DIR}/systemd/debian/prerm
    ${PROJECT_SOURCE_DIR}/systemd/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_GENERATOR DEB)
include(CPack)
