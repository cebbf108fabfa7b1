# Compiles the CPU model files (cpu/models/*.toml) into the binary: writes one generated .cpp
# holding each file's text at configure time. Editing a model file re-runs the configuration.
# In: GATE386_MODELS_OUT (the .cpp to write). Out: the file, and CMAKE_CONFIGURE_DEPENDS entries.
file(GLOB _gate386_model_files CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/*.toml)
list(SORT _gate386_model_files)
set(_gate386_models_cpp "// Generated from cpu/models/*.toml by cpu/models/embed.cmake: do not edit.\n")
string(APPEND _gate386_models_cpp "#include \"cpu/cpu_models.h\"\n\nnamespace gate386 {\n\n")
string(APPEND _gate386_models_cpp "const EmbeddedModelFile kEmbeddedModelFiles[] = {\n")
set(_gate386_model_count 0)
foreach(_f ${_gate386_model_files})
  get_filename_component(_n ${_f} NAME_WE)
  file(READ ${_f} _text)
  string(FIND "${_text}" ")gate386toml\"" _clash)
  if(NOT _clash EQUAL -1)
    message(FATAL_ERROR "${_f} contains the raw-string delimiter )gate386toml\"")
  endif()
  string(APPEND _gate386_models_cpp "    {\"${_n}\", R\"gate386toml(${_text})gate386toml\"},\n")
  math(EXPR _gate386_model_count "${_gate386_model_count} + 1")
  set_property(DIRECTORY ${PROJECT_SOURCE_DIR} APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_f})
endforeach()
string(APPEND _gate386_models_cpp "};\n\nconst unsigned kEmbeddedModelFileCount = ${_gate386_model_count};\n\n}  // namespace gate386\n")
# Rewritten only when the content changes, so a re-configure does not force a rebuild.
file(WRITE ${GATE386_MODELS_OUT}.tmp "${_gate386_models_cpp}")
configure_file(${GATE386_MODELS_OUT}.tmp ${GATE386_MODELS_OUT} COPYONLY)
