# The Debian package of the console (CPack DEB), included from the top-level CMakeLists.txt.
#   cpack -G DEB --config <build>/CPackConfig.cmake -B <build>/packages
# builds the project (cpack's "preinstall" step) and writes ango-console_<version>_<arch>.deb.
# tests/packaging/ builds it and checks it with dpkg-deb, appstreamcli, systemd-analyze and lintian.
# What lands where (prefix /usr):
#   bin/ango-console                              the console and `ango-console run`
#   share/ango-console/bridge/                    the Python bridge (resources/bridge)
#   share/applications/ango-console.desktop, share/metainfo/<id>.metainfo.xml
#   share/icons/hicolor/{scalable,NxN}/apps/ango-console.{svg,png}
#   share/man/man1/ango-console.1.gz
#   share/doc/ango-console/{copyright,changelog.gz,*.md,examples/}
#   lib/systemd/system/ango-console-runner.service  (not enabled: it needs a profile first)
if(NOT ANGO_BUILD_APP)
  return()
endif()

set(ango_packaging_dir ${CMAKE_CURRENT_LIST_DIR})
set(ango_packaging_out ${PROJECT_BINARY_DIR}/packaging)
set(ANGO_PACKAGE_MAINTAINER "Ango Plugin Console maintainers <ango-console@example.com>"
    CACHE STRING "Maintainer field of the Debian package: Name <email>")

# --- Icons: the SVG, and PNGs rendered from it with Qt Svg (no extra build tool) ---
set(ango_icon_svg ${ango_packaging_dir}/icons/ango-console.svg)
set(ango_icon_sizes 16 22 24 32 48 64 128 256)
add_executable(ango_render_icons ${ango_packaging_dir}/icons/render_icons.cpp)
target_link_libraries(ango_render_icons PRIVATE Qt6::Gui Qt6::Svg)
set(ango_icon_pngs)
foreach(size IN LISTS ango_icon_sizes)
  list(APPEND ango_icon_pngs ${ango_packaging_out}/hicolor/${size}x${size}/apps/ango-console.png)
endforeach()
add_custom_command(
  OUTPUT ${ango_icon_pngs}
  COMMAND ango_render_icons ${ango_icon_svg} ${ango_packaging_out}/hicolor ango-console ${ango_icon_sizes}
  DEPENDS ango_render_icons ${ango_icon_svg}
  COMMENT "Rendering the icon at ${ango_icon_sizes} px"
  VERBATIM)

# --- Man page and Debian changelog, compressed as Debian wants (-9, no name or timestamp) ---
configure_file(${ango_packaging_dir}/debian/changelog.in ${ango_packaging_out}/changelog @ONLY)
add_custom_command(
  OUTPUT ${ango_packaging_out}/changelog.gz
  COMMAND gzip -9n -c ${ango_packaging_out}/changelog > ${ango_packaging_out}/changelog.gz
  DEPENDS ${ango_packaging_out}/changelog
  VERBATIM)
add_custom_command(
  OUTPUT ${ango_packaging_out}/ango-console.1.gz
  COMMAND gzip -9n -c ${ango_packaging_dir}/linux/ango-console.1 > ${ango_packaging_out}/ango-console.1.gz
  DEPENDS ${ango_packaging_dir}/linux/ango-console.1
  VERBATIM)
add_custom_target(ango_packaging_files ALL DEPENDS
  ${ango_icon_pngs} ${ango_packaging_out}/changelog.gz ${ango_packaging_out}/ango-console.1.gz)

# --- Install rules (ango-console itself is installed by app/CMakeLists.txt) ---
include(GNUInstallDirs)
set(ango_doc_dir ${CMAKE_INSTALL_DATADIR}/doc/ango-console)

# The bridge engineer owns resources/bridge/; whatever it holds is shipped, minus Python caches.
if(EXISTS ${PROJECT_SOURCE_DIR}/resources/bridge)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/resources/bridge/
          DESTINATION ${CMAKE_INSTALL_DATADIR}/ango-console/bridge
          PATTERN "__pycache__" EXCLUDE
          PATTERN "*.pyc" EXCLUDE)
endif()

# AppStream wants the metainfo file named after the component id; the id is read from the file.
file(STRINGS ${ango_packaging_dir}/linux/ango-console.metainfo.xml ango_metainfo_id_line
     REGEX "<id>[^<]+</id>" LIMIT_COUNT 1)
string(REGEX REPLACE ".*<id>([^<]+)</id>.*" "\\1" ANGO_APPSTREAM_ID "${ango_metainfo_id_line}")
install(FILES ${ango_packaging_dir}/linux/ango-console.desktop
        DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
install(FILES ${ango_packaging_dir}/linux/ango-console.metainfo.xml
        DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo RENAME ${ANGO_APPSTREAM_ID}.metainfo.xml)
install(FILES ${ango_icon_svg} DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
install(DIRECTORY ${ango_packaging_out}/hicolor DESTINATION ${CMAKE_INSTALL_DATADIR}/icons)
install(FILES ${ango_packaging_out}/ango-console.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

install(FILES ${ango_packaging_dir}/debian/copyright ${ango_packaging_out}/changelog.gz
        DESTINATION ${ango_doc_dir})
foreach(doc profile.md deployment.md)
  if(EXISTS ${PROJECT_SOURCE_DIR}/docs/${doc})
    install(FILES ${PROJECT_SOURCE_DIR}/docs/${doc} DESTINATION ${ango_doc_dir})
  endif()
endforeach()
install(FILES
          ${ango_packaging_dir}/examples/profile-env.json
          ${ango_packaging_dir}/examples/profile-credential.json
          ${ango_packaging_dir}/systemd/runner.env.example
          ${ango_packaging_dir}/systemd/credentials.conf
          ${ango_packaging_dir}/docker/Dockerfile
          ${ango_packaging_dir}/k8s/deployment.yaml
        DESTINATION ${ango_doc_dir}/examples)
install(FILES ${ango_packaging_dir}/systemd/ango-console-runner.service DESTINATION lib/systemd/system)

# --- CPack ---
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME ango-console)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${ANGO_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_VENDOR "The Ango Plugin Console developers")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "developer console for iMerit Ango Hub model plugins")
set(CPACK_PACKAGE_DESCRIPTION
  "A desktop console and headless runner for iMerit Ango Hub model plugins, with
a C++/Qt plugin runtime that speaks the same protocol as the official Python
SDK. It connects a plugin to the hub and answers requests with an unmodified
SDK script, a program or an HTTP endpoint; shows each request with its timing,
log and predicted annotations; holds results for review; and tests class
mappings before a plugin is deployed.

The headless runner (ango-console run) reads a JSON profile and ships with a
sandboxed systemd unit; container and Kubernetes examples are in
/usr/share/doc/ango-console/examples.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_DIRECTORY ${PROJECT_BINARY_DIR}/packages)
set(CPACK_STRIP_FILES ON)
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Library dependencies (Qt 6, qtkeychain, ...) come from dpkg-shlibdeps; python3 runs the bridge.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "python3")
# Platform plugins beyond xcb (Wayland, offscreen).
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "qt6-qpa-plugins")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
