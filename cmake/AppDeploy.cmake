# Install and deployment rules for the switchyard executable, per platform.
# Called from app/CMakeLists.txt; the CPack settings are in Packaging.cmake.
#
# Linux: the binary goes to bin/ and uses the distribution's Qt (the Debian
# package declares it). Windows and macOS: Qt's deploy script (windeployqt,
# macdeployqt) copies Qt and its plugins next to the binary or into the bundle.
# The Windows and macOS rules are written from the Qt and CMake documentation and
# have NOT been built or tested (see packaging/README.md).
include(GNUInstallDirs)

function(switchyard_install_app target)
  if(APPLE)
    set_target_properties(${target} PROPERTIES
      MACOSX_BUNDLE ON
      OUTPUT_NAME Switchyard
      MACOSX_BUNDLE_BUNDLE_NAME Switchyard
      MACOSX_BUNDLE_GUI_IDENTIFIER io.github.switchyard.Switchyard
      MACOSX_BUNDLE_BUNDLE_VERSION ${PROJECT_VERSION}
      MACOSX_BUNDLE_SHORT_VERSION_STRING ${PROJECT_VERSION})
  elseif(WIN32)
    # No console window for the GUI. --headless output then needs a console the
    # user starts it from (cmd's "start /wait" or PowerShell), see packaging/README.md.
    set_target_properties(${target} PROPERTIES WIN32_EXECUTABLE ON)
  endif()

  install(TARGETS ${target}
          RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
          BUNDLE DESTINATION .)

  if(WIN32 OR APPLE)
    # Qt 6.4 names the output variable FILENAME_VARIABLE; Qt 6.5 renamed it
    # OUTPUT_SCRIPT (the old name still works there, with a deprecation warning).
    if(Qt6Core_VERSION VERSION_GREATER_EQUAL 6.5)
      qt_generate_deploy_app_script(TARGET ${target} OUTPUT_SCRIPT _deploy_script
                                    NO_UNSUPPORTED_PLATFORM_ERROR)
    else()
      qt_generate_deploy_app_script(TARGET ${target} FILENAME_VARIABLE _deploy_script
                                    NO_UNSUPPORTED_PLATFORM_ERROR)
    endif()
    install(SCRIPT ${_deploy_script})
  endif()

  if(WIN32)
    # windeployqt copies Qt's own DLLs only; QtKeychain is a third-party DLL.
    # (macdeployqt follows every non-system dylib, so the bundle gets it anyway.)
    # Imported targets are per directory: find it again here.
    find_package(Qt6Keychain REQUIRED)
    install(IMPORTED_RUNTIME_ARTIFACTS Qt6Keychain::Qt6Keychain
            RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  endif()
endfunction()
