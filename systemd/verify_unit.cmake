# Runs `systemd-analyze verify` on the unit and fails on any diagnostic about it (verify's exit
# status alone misses warnings such as unknown directives). Diagnostics about other units of
# the host (the test runs where systemd may not be PID 1) are not ours and are ignored.
execute_process(COMMAND ${ANALYZE} verify ${UNIT}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
get_filename_component(name ${UNIT} NAME)
set(all "${out}${err}")
string(REGEX MATCHALL "[^\n]*${name}[^\n]*" ours "${all}")
message(STATUS "systemd-analyze verify exit ${rc}\n${all}")
if(ours OR NOT rc EQUAL 0)
  message(FATAL_ERROR "systemd-analyze verify reported problems with ${name}:\n${ours}\n${all}")
endif()
