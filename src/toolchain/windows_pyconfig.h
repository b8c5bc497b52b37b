/* pyconfig.h for extension modules built for Windows by gowright (zig cc, MinGW-w64 target).

   CPython's Windows build ships a hand-maintained pyconfig.h (PC/pyconfig.h.in in its
   sources); this is the part of it that CPython's public headers read when an extension
   module includes <Python.h>: the platform, the sizes of C types on Windows (LLP64: long is
   32 bits), and that the core is a DLL whose symbols are imported. Nothing here is used to
   build CPython itself. gowright defines Py_GIL_DISABLED above this text for free-threaded
   builds, as a free-threaded CPython's own pyconfig.h does. */
#ifndef Py_CONFIG_H
#define Py_CONFIG_H

#include <io.h>
#include <stdio.h>

#define MS_WIN32
#define MS_WINDOWS
#ifdef _WIN64
#define MS_WIN64
#endif
#define NT_THREADS
#define WITH_THREAD
#define PLATFORM "win32"
#define COMPILER "[clang (gowright, zig)]"

/* The core is python3X.dll: its functions and data are imported (__declspec(dllimport)). */
#define Py_ENABLE_SHARED 1
#define MS_COREDLL
#define HAVE_DECLSPEC_DLL

#ifdef _WIN64
#define SIZEOF_VOID_P 8
#define SIZEOF_SIZE_T 8
#define ALIGNOF_SIZE_T 8
#define SIZEOF_HKEY 8
#else
#define SIZEOF_VOID_P 4
#define SIZEOF_SIZE_T 4
#define ALIGNOF_SIZE_T 4
#define SIZEOF_HKEY 4
#endif
#define SIZEOF_TIME_T 8
#define SIZEOF_OFF_T 4
#define SIZEOF_FPOS_T 8
#define ALIGNOF_MAX_ALIGN_T 8
#define HAVE_LARGEFILE_SUPPORT
#define SIZEOF_SHORT 2
#define SIZEOF_INT 4
#define SIZEOF_LONG 4
#define ALIGNOF_LONG 4
#define SIZEOF_LONG_LONG 8
#define SIZEOF_DOUBLE 8
#define SIZEOF_FLOAT 4
#define SIZEOF_WCHAR_T 2
#define SIZEOF__BOOL 1
#define SIZEOF_PID_T SIZEOF_INT
#define LONG_BIT 32
#define WORD_BIT 32
#define HAVE_UINTPTR_T 1
#define HAVE_INTPTR_T 1
#define PY_LONG_LONG long long
#define PY_LLONG_MIN LLONG_MIN
#define PY_LLONG_MAX LLONG_MAX
#define PY_ULLONG_MAX ULLONG_MAX
#define PY_UINT32_T uint32_t
#define PY_UINT64_T uint64_t
#define PY_INT32_T int32_t
#define PY_INT64_T int64_t
#define DOUBLE_IS_LITTLE_ENDIAN_IEEE754 1

/* Headers of the C library that CPython's headers include where they exist. */
#define STDC_HEADERS 1
#define HAVE_ERRNO_H 1
#define HAVE_FCNTL_H 1
#define HAVE_PROCESS_H 1
#define HAVE_SIGNAL_H 1
#define HAVE_STDDEF_H 1
#define HAVE_SYS_STAT_H 1
#define HAVE_SYS_TYPES_H 1
#define HAVE_WCHAR_H 1
#define HAVE_IO_H
#define HAVE_DIRECT_H 1
#define HAVE_CONIO_H 1

#define HAVE_DYNAMIC_LOADING
#define WITH_DOC_STRINGS 1
#define WITH_PYMALLOC 1

#endif /* !Py_CONFIG_H */
