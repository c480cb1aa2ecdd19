# CPack settings. Linux: a Debian package (cpack -G DEB), checked end to end by
# packaging/check-deb.sh. Windows (NSIS, WiX) and macOS (DragNDrop): written from
# the CMake documentation and NOT tested here (see packaging/README.md).
set(SWITCHYARD_PACKAGE_MAINTAINER "Switchyard maintainers <switchyard@users.noreply.github.com>"
    CACHE STRING "Maintainer named in the packages")

set(CPACK_PACKAGE_NAME switchyard)
set(CPACK_PACKAGE_VENDOR "The Switchyard developers")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${SWITCHYARD_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_HOMEPAGE_URL "https://github.com/switchyard/switchyard")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "desktop proxy client and traffic inspector")
# One paragraph, wrapped by hand: the Debian generator puts a space before each
# continuation line but does not wrap, and Debian wants lines under 80 columns.
string(JOIN "\n" CPACK_PACKAGE_DESCRIPTION
  "Switchyard is a local HTTP and SOCKS proxy that shows every request passing"
  "through it. Per-site rules send traffic direct, through an upstream HTTP,"
  "HTTPS, SOCKS5 or SOCKS4a exit, or block it, and an exit that fails never"
  "falls back to a direct connection. Exit passwords are kept in the system"
  "keychain. Captured traffic exports as HAR. A headless mode runs without a"
  "window.")
set(CPACK_PACKAGE_INSTALL_DIRECTORY Switchyard)
set(CPACK_PACKAGE_EXECUTABLES switchyard Switchyard)
set(CPACK_STRIP_FILES ON)
set(CPACK_SOURCE_IGNORE_FILES "/build/;/\\\\.git/;/node_modules/")

if(UNIX AND NOT APPLE)
  set(CPACK_GENERATOR DEB)
  # switchyard_0.1.0-1_amd64.deb
  set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
  set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
  set(CPACK_DEBIAN_PACKAGE_SECTION net)
  set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
  set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${SWITCHYARD_PACKAGE_MAINTAINER}")
  set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${CPACK_PACKAGE_HOMEPAGE_URL}")
  # dpkg-shlibdeps finds the linked libraries (Qt, QtKeychain, libc, libstdc++).
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
  # What is loaded at run time and so invisible to dpkg-shlibdeps:
  # - libsecret-1-0: QtKeychain dlopens libsecret-1.so.0 and does not depend on it;
  # - libqt6svg6: the qsvg image format and icon engine plugins draw the icons;
  # - qt6-qpa-plugins: the xcb platform plugin (libqt6gui6 only recommends it).
  # - qt6-translations-l10n: Qt's own strings (standard buttons and dialogs) in the
  #   user's language; Switchyard's own translations are built into the binary.
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "libsecret-1-0, libqt6svg6, qt6-qpa-plugins, qt6-translations-l10n")
  # A Secret Service to keep exit passwords in; Wayland without XWayland.
  set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "gnome-keyring | kwalletmanager, qt6-wayland")
  set(CPACK_DEBIAN_PACKAGE_SUGGESTS "curl")
elseif(WIN32)
  set(CPACK_GENERATOR NSIS)
  set(CPACK_NSIS_DISPLAY_NAME Switchyard)
  set(CPACK_NSIS_PACKAGE_NAME Switchyard)
  set(CPACK_NSIS_URL_INFO_ABOUT "${CPACK_PACKAGE_HOMEPAGE_URL}")
  set(CPACK_NSIS_INSTALLED_ICON_NAME "bin\\\\switchyard.exe")
  set(CPACK_NSIS_ENABLE_UNINSTALL_BEFORE_INSTALL ON)
  # cpack -G WIX needs the WiX toolset; the upgrade code must never change, or
  # Windows installs a second copy instead of upgrading.
  set(CPACK_WIX_UPGRADE_GUID "6D4C1B7E-3F0A-4C2B-9E55-1A7B2C3D4E5F")
  set(CPACK_WIX_PRODUCT_NAME Switchyard)
  set(CPACK_WIX_PROGRAM_MENU_FOLDER Switchyard)
elseif(APPLE)
  set(CPACK_GENERATOR DragNDrop)
  set(CPACK_DMG_VOLUME_NAME Switchyard)
  set(CPACK_DMG_FORMAT UDZO)
endif()

include(CPack)
