# Warnings, -Werror and sanitizers in one place, applied to every target of ours.
function(confab_apply_compiler_settings target)
    if(MSVC)
        target_compile_options(${target} PRIVATE /W4 /permissive- /utf-8)
        if(CONFAB_WERROR)
            target_compile_options(${target} PRIVATE /WX)
        endif()
    else()
        target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic
            -Wnon-virtual-dtor -Wcast-align -Woverloaded-virtual -Wformat=2)
        # GCC's spelling; clang (macOS, the fuzzer build) would reject it as unknown under -Werror.
        if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
            target_compile_options(${target} PRIVATE -Wshadow=local)
        endif()
        if(CONFAB_WERROR)
            target_compile_options(${target} PRIVATE -Werror)
        endif()
    endif()
    target_compile_definitions(${target} PRIVATE QT_NO_CAST_FROM_ASCII QT_NO_CAST_TO_ASCII
        QT_NO_URL_CAST_FROM_STRING QT_USE_QSTRINGBUILDER QT_NO_FOREACH)
endfunction()

if(CONFAB_SANITIZE AND NOT MSVC)
    # Global so that every object, test and the fuzzer share one runtime.
    add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
    add_link_options(-fsanitize=address,undefined)
endif()
