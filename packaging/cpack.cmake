# Install rules and installers, one version for all of them: the CMake project version.
#   Linux:   DEB against the system Qt (dpkg-shlibdeps computes Depends), with desktop file,
#            hicolor icons, AppStream metainfo, man page and a systemd unit for `confab serve`.
#   Windows: windeployqt (Qt's deploy script) + NSIS.
#   macOS:   the confab.app bundle, macdeployqt (Qt's deploy script) + DragNDrop (.dmg).
# packaging/check-deb.sh builds and lints the .deb; docs/building.md describes the rest.

include(GNUInstallDirs)

set(CONFAB_APP_ID "org.example.confab") # desktop file, metainfo, bundle id (reverse DNS of the org domain)
# Date of the release named by PROJECT_VERSION (metainfo, man page, Debian changelog). Bump both together.
set(CONFAB_RELEASE_DATE "2026-11-21")
set(CONFAB_RELEASE_DATE_RFC2822 "Sat, 21 Nov 2026 12:00:00 +0000")
set(CONFAB_PACKAGING_DIR "${CMAKE_CURRENT_LIST_DIR}")
set(CONFAB_ICONS_DIR "${PROJECT_SOURCE_DIR}/resources/icons")
set(CONFAB_ICON_SIZES 16 24 32 48 64 128 256 512)

install(TARGETS confab
    RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}"
    BUNDLE DESTINATION .)

# ---- Linux --------------------------------------------------------------------------------------
if(UNIX AND NOT APPLE)
    set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
    set(linux_dir "${CONFAB_PACKAGING_DIR}/linux")
    set(generated "${CMAKE_CURRENT_BINARY_DIR}/linux")

    configure_file("${linux_dir}/org.example.confab.metainfo.xml.in"
        "${generated}/${CONFAB_APP_ID}.metainfo.xml" @ONLY)
    configure_file("${linux_dir}/confab.1.in" "${generated}/confab.1" @ONLY)
    configure_file("${linux_dir}/changelog.Debian.in" "${generated}/changelog.Debian" @ONLY)

    # Debian policy: man pages and changelogs gzip'ed with -9 and no timestamp (-n), reproducibly.
    find_program(CONFAB_GZIP gzip REQUIRED)
    set(compressed)
    foreach(file confab.1 changelog.Debian)
        add_custom_command(OUTPUT "${generated}/${file}.gz"
            COMMAND "${CONFAB_GZIP}" -9nf -k "${generated}/${file}"
            DEPENDS "${generated}/${file}"
            COMMENT "Compressing ${file}"
            VERBATIM)
        list(APPEND compressed "${generated}/${file}.gz")
    endforeach()
    add_custom_target(confab_linux_docs ALL DEPENDS ${compressed})

    install(FILES "${linux_dir}/${CONFAB_APP_ID}.desktop" DESTINATION "${CMAKE_INSTALL_DATADIR}/applications")
    install(FILES "${generated}/${CONFAB_APP_ID}.metainfo.xml" DESTINATION "${CMAKE_INSTALL_DATADIR}/metainfo")
    install(FILES "${CONFAB_ICONS_DIR}/confab.svg" DESTINATION "${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps")
    foreach(size IN LISTS CONFAB_ICON_SIZES)
        install(FILES "${CONFAB_ICONS_DIR}/hicolor/${size}x${size}/apps/confab.png"
            DESTINATION "${CMAKE_INSTALL_DATADIR}/icons/hicolor/${size}x${size}/apps")
    endforeach()
    install(FILES "${generated}/confab.1.gz" DESTINATION "${CMAKE_INSTALL_MANDIR}/man1")
    install(FILES "${linux_dir}/copyright" "${generated}/changelog.Debian.gz"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/doc/confab")
    # Paths relative to the prefix (/usr for the package): systemd reads /usr/lib on every distro.
    install(FILES "${linux_dir}/confab.service" DESTINATION "lib/systemd/system")
    install(FILES "${linux_dir}/confab.sysusers" DESTINATION "lib/sysusers.d" RENAME confab.conf)

    set(CPACK_GENERATOR DEB)
    set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
    set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
    set(CPACK_DEBIAN_PACKAGE_SECTION net)
    set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
    set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
    set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
    set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA "${linux_dir}/postinst;${linux_dir}/prerm;${linux_dir}/postrm")
    # Plugins Qt loads at run time are invisible to dpkg-shlibdeps: the SQLite driver of the
    # hub's store always, the SVG icon engine for the window.
    set(CPACK_DEBIAN_PACKAGE_DEPENDS "libqt6sql6-sqlite, passwd")
    # WebP images get a size and a thumbnail only with Qt's extra image formats plugin.
    set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "qt6-image-formats-plugins")
    if(CONFAB_GUI)
        string(APPEND CPACK_DEBIAN_PACKAGE_DEPENDS ", libqt6svg6")
        # Without a CJK font the Chinese interface, the "简体中文" entry and Chinese messages
        # are drawn as boxes; Debian's desktop tasks usually bring one, minimal installs do not.
        # Qt's own strings (Cancel, Close, Yes in standard dialogs) come from qtbase_zh_CN.qm,
        # which Debian ships apart from Qt. Without a colour emoji font 😀 in a message is a box.
        string(APPEND CPACK_DEBIAN_PACKAGE_RECOMMENDS
               ", qt6-wayland, fonts-noto-cjk | fonts-wqy-microhei")
        string(APPEND CPACK_DEBIAN_PACKAGE_RECOMMENDS
               ", qt6-translations-l10n, fonts-noto-color-emoji")
    endif()
    set(CPACK_STRIP_FILES ON)
endif()

# ---- Windows and macOS: bundle Qt with the program ----------------------------------------------
if(WIN32 OR (APPLE AND CONFAB_GUI))
    # qt_generate_deploy_app_script runs windeployqt / macdeployqt at install time, so CPack's
    # staging tree gets Qt too. Its signature changed in Qt 6.5 (6.4: FILENAME_VARIABLE only).
    if(Qt6_VERSION VERSION_GREATER_EQUAL 6.5)
        # The MSVC runtime comes from InstallRequiredSystemLibraries below.
        qt_generate_deploy_app_script(TARGET confab OUTPUT_SCRIPT confab_deploy_script NO_COMPILER_RUNTIME)
    else()
        qt_generate_deploy_app_script(TARGET confab FILENAME_VARIABLE confab_deploy_script)
    endif()
    install(SCRIPT "${confab_deploy_script}")
endif()

if(APPLE AND CONFAB_GUI)
    # macdeployqt rewrites the bundle's binaries, which breaks their signatures; Apple silicon
    # refuses to start unsigned code, so sign again (ad-hoc unless a Developer ID is given).
    set(CONFAB_MACOS_SIGN_IDENTITY "-" CACHE STRING "codesign identity for confab.app ('-': ad-hoc)")
    install(CODE "execute_process(COMMAND codesign --force --deep --sign \"${CONFAB_MACOS_SIGN_IDENTITY}\"
        \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/confab.app\" COMMAND_ERROR_IS_FATAL ANY)")
endif()

if(WIN32)
    configure_file("${CONFAB_PACKAGING_DIR}/windows/confab.rc.in" "${CMAKE_CURRENT_BINARY_DIR}/confab.rc" @ONLY)
    target_sources(confab PRIVATE "${CMAKE_CURRENT_BINARY_DIR}/confab.rc")
    # The MSVC runtime DLLs next to confab.exe, so no separate redistributable is needed.
    set(CMAKE_INSTALL_SYSTEM_RUNTIME_DESTINATION "${CMAKE_INSTALL_BINDIR}")
    include(InstallRequiredSystemLibraries)

    file(TO_NATIVE_PATH "${CONFAB_ICONS_DIR}/confab.ico" native_icon)
    set(CPACK_GENERATOR NSIS)
    set(CPACK_PACKAGE_INSTALL_DIRECTORY "Confab")
    set(CPACK_PACKAGE_EXECUTABLES "confab" "Confab")
    set(CPACK_NSIS_PACKAGE_NAME "Confab")
    set(CPACK_NSIS_DISPLAY_NAME "Confab ${PROJECT_VERSION}")
    set(CPACK_NSIS_MUI_ICON "${native_icon}")
    set(CPACK_NSIS_MUI_UNIICON "${native_icon}")
    set(CPACK_NSIS_INSTALLED_ICON_NAME "bin\\\\confab.exe")
    set(CPACK_NSIS_EXECUTABLES_DIRECTORY "${CMAKE_INSTALL_BINDIR}")
    set(CPACK_NSIS_MUI_FINISHPAGE_RUN "confab.exe")
    set(CPACK_NSIS_URL_INFO_ABOUT "${PROJECT_HOMEPAGE_URL}")
    set(CPACK_NSIS_ENABLE_UNINSTALL_BEFORE_INSTALL ON)
    set(CPACK_NSIS_MODIFY_PATH OFF)
endif()

if(APPLE)
    set(icns "${CONFAB_ICONS_DIR}/confab.icns")
    target_sources(confab PRIVATE "${icns}")
    set_source_files_properties("${icns}" TARGET_DIRECTORY confab PROPERTIES MACOSX_PACKAGE_LOCATION Resources)
    set_target_properties(confab PROPERTIES
        MACOSX_BUNDLE_BUNDLE_NAME "Confab"
        MACOSX_BUNDLE_GUI_IDENTIFIER "${CONFAB_APP_ID}"
        MACOSX_BUNDLE_ICON_FILE "confab.icns"
        MACOSX_BUNDLE_BUNDLE_VERSION "${PROJECT_VERSION}"
        MACOSX_BUNDLE_SHORT_VERSION_STRING "${PROJECT_VERSION}"
        MACOSX_BUNDLE_COPYRIGHT "© 2026 Confab developers")
    set(CPACK_GENERATOR DragNDrop)
    set(CPACK_DMG_VOLUME_NAME "Confab")
    set(CPACK_DMG_FORMAT UDZO)
endif()

# ---- common CPack settings ----------------------------------------------------------------------
set(CPACK_PACKAGE_NAME "confab")
set(CPACK_PACKAGE_VENDOR "Confab developers")
set(CPACK_PACKAGE_CONTACT "Confab developers <team@confab.example.org>")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_HOMEPAGE_URL "${PROJECT_HOMEPAGE_URL}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "chat for local networks: host a room or join one")
# Debian wants the extended description in lines of at most 80 characters.
string(JOIN "\n" CPACK_PACKAGE_DESCRIPTION
    "Confab is a chat program for local networks. One person hosts a room;"
    "others on the same network find it and join, from the desktop program"
    "or from a browser or phone through the web page the host serves."
    "It needs no account and no internet connection."
    "."
    "The package also ships a systemd unit that runs `confab serve` as a"
    "background hub.")
set(CPACK_PACKAGE_CHECKSUM SHA256)
set(CPACK_SOURCE_IGNORE_FILES "/build/" "/\\\\.git/" "/node_modules/")

include(CPack)
