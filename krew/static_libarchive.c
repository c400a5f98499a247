/* Linked only into -Dprefer_static=true builds (krew/release.sh).
 *
 * libarchive's format-by-code table (archive_write_set_format.o), which
 * every writer we use pulls in, names every writer, so a static link drags
 * in the xar writer and with it libxml2 and ICU (tens of megabytes, and
 * libxml2's ICU archive needs libstdc++). kubectl-netpol never writes xar
 * (the snapshot verb writes pax), so this definition takes the place of
 * libarchive's and the xar writer reports what libarchive itself reports
 * when it is built without libxml2. */
#include <archive.h>

int archive_write_set_format_xar(struct archive *a);

int archive_write_set_format_xar(struct archive *a)
{
	archive_set_error(a, -1, "xar is not supported by this build of kubectl-netpol");
	return ARCHIVE_FATAL;
}
