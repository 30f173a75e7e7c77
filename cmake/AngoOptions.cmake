# Compile options shared by every target of the project.
add_library(ango_options INTERFACE)
target_compile_definitions(ango_options INTERFACE
  QT_NO_CAST_FROM_ASCII
  QT_NO_CAST_TO_ASCII
  QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
  QT_USE_QSTRINGBUILDER
  QT_NO_KEYWORDS)
target_compile_options(ango_options INTERFACE -Wall -Wextra -Wpedantic)

if(ANGO_SANITIZE)
  target_compile_options(ango_options INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
                                                -fno-sanitize-recover=undefined)
  target_link_options(ango_options INTERFACE -fsanitize=address,undefined)
endif()

# ango_add_test(NAME <name> SOURCES <files...> [LIBS <libs...>] [LABELS <labels...>] [GUI])
function(ango_add_test)
  cmake_parse_arguments(T "GUI" "NAME;TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE Qt6::Test ango_test_support ${T_LIBS})
  add_test(NAME ${T_NAME} COMMAND ${T_NAME})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  set_tests_properties(${T_NAME} PROPERTIES TIMEOUT ${T_TIMEOUT} LABELS "${T_LABELS}"
                       ENVIRONMENT "QT_QPA_PLATFORM=offscreen;ANGO_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
endfunction()
