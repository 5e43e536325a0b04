/* A stand-in for Windows' bcryptprimitives.dll, for running Rust test programs under Wine 8 (Debian 12's).
 *
 * Rust's standard library for Windows imports ProcessPrng from bcryptprimitives.dll (Windows 10 and later have
 * it); Wine 8 does not, so no Rust program starts there. The packaging tests build this file with MinGW-w64 and
 * put the DLL beside the Rust program they run under Wine. It is never shipped. */
#include <windows.h>

/* RtlGenRandom, exported by advapi32 as SystemFunction036: the system's random generator since Windows XP. */
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
