/*
 * A stand-in for Windows' bcryptprimitives.dll, for the Wine tests only; it
 * is never shipped. Go 1.24 and later get their random numbers from its
 * ProcessPrng, which every Windows 10 and 11 has, and the runtime stops at
 * start ("bcryptprimitives.dll not found") without it. Wine 8.0, Debian
 * 12's, does not have the DLL yet, so the tests build this one into the
 * prefix's system32: ProcessPrng over BCryptGenRandom, which Wine has.
 */
#include <windows.h>
#include <bcrypt.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
	while (len > 0) {
		ULONG n = len > 0x10000000 ? 0x10000000 : (ULONG)len;
		if (BCryptGenRandom(NULL, data, n, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0)
			return FALSE;
		data += n;
		len -= n;
	}
	return TRUE;
}
