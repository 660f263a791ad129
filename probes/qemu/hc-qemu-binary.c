/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Finding the QEMU binaries of a host and naming each build: stat(2) for size and mtime, and
 * the ELF program headers' PT_NOTE segments for the NT_GNU_BUILD_ID note (elf(5); the note
 * layout is in the System V gABI "Note Section"). Only headers and notes are read, a few KiB,
 * so identifying an unchanged binary costs next to nothing.
 */
#include "hc-qemu-binary.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* more program headers or a larger note segment than this is not a QEMU we can read */
#define HC_QEMU_MAX_PHDRS 64
#define HC_QEMU_MAX_NOTES 4096

/* the places QEMU lives besides $PATH: Fedora, RHEL and CentOS ship qemu-kvm there */
static const char *const hc_qemu_fixed_paths[] = {"/usr/libexec/qemu-kvm", NULL};
#define HC_QEMU_PATH_NAME "qemu-system-x86_64"

void
hc_qemu_binary_free(HcQemuBinary *bin)
{
	if (bin == NULL)
		return;
	g_free(bin->path);
	g_free(bin->run_path);
	g_free(bin->build_id);
	g_free(bin);
}

char *
hc_qemu_binary_key(const HcQemuBinary *bin)
{
	return g_strdup_printf("%s|%" G_GUINT64_FORMAT "|%" G_GINT64_FORMAT "|%s",
			       bin->path,
			       bin->size,
			       bin->mtime_nsec,
			       bin->build_id);
}

/* the build-id in one PT_NOTE segment's bytes, or NULL */
static char *
hc_qemu_note_build_id(const guint8 *buf, gsize len)
{
	gsize off = 0;

	while (off + sizeof(Elf64_Nhdr) <= len) {
		Elf64_Nhdr nh;
		gsize name_len, desc_len;

		memcpy(&nh, buf + off, sizeof(nh));
		off += sizeof(nh);
		name_len = ((gsize)nh.n_namesz + 3) & ~(gsize)3;
		desc_len = ((gsize)nh.n_descsz + 3) & ~(gsize)3;
		if (name_len > len - off || desc_len > len - off - name_len)
			return NULL;
		if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
		    memcmp(buf + off, "GNU", 4) == 0 && nh.n_descsz > 0) {
			GString *hex = g_string_sized_new(nh.n_descsz * 2);
			for (guint i = 0; i < nh.n_descsz; i++)
				g_string_append_printf(hex, "%02x", buf[off + name_len + i]);
			return g_string_free(hex, FALSE);
		}
		off += name_len + desc_len;
	}
	return NULL;
}

/* "" for anything that is not a 64-bit little-endian ELF with a build-id (a wrapper script) */
static char *
hc_qemu_read_build_id(int fd)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph[HC_QEMU_MAX_PHDRS];
	guint8 notes[HC_QEMU_MAX_NOTES];

	if (pread(fd, &eh, sizeof(eh), 0) != sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_phentsize != sizeof(Elf64_Phdr) ||
	    eh.e_phnum == 0 || eh.e_phnum > HC_QEMU_MAX_PHDRS)
		return g_strdup("");
	if (pread(fd, ph, eh.e_phnum * sizeof(Elf64_Phdr), eh.e_phoff) !=
	    (ssize_t)(eh.e_phnum * sizeof(Elf64_Phdr)))
		return g_strdup("");
	for (guint i = 0; i < eh.e_phnum; i++) {
		char *id;
		if (ph[i].p_type != PT_NOTE || ph[i].p_filesz > sizeof(notes))
			continue;
		if (pread(fd, notes, ph[i].p_filesz, ph[i].p_offset) != (ssize_t)ph[i].p_filesz)
			continue;
		id = hc_qemu_note_build_id(notes, ph[i].p_filesz);
		if (id != NULL)
			return id;
	}
	return g_strdup("");
}

/* NULL when @path is not an executable regular file here */
static HcQemuBinary *
hc_qemu_binary_open(HcProbeContext *ctx, const char *path, GHashTable *seen)
{
	g_autoptr(HcQemuBinary) bin = g_new0(HcQemuBinary, 1);
	g_autofree char *inode = NULL;
	struct stat st;
	int fd;

	bin->path = g_strdup(path);
	bin->run_path = hc_probe_context_path(ctx, path);
	if (access(bin->run_path, X_OK) != 0)
		return NULL;
	fd = open(bin->run_path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return NULL;
	}
	inode = g_strdup_printf("%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT,
				(guint64)st.st_dev,
				(guint64)st.st_ino);
	if (g_hash_table_contains(seen, inode)) {
		close(fd);
		return NULL;
	}
	g_hash_table_add(seen, g_steal_pointer(&inode));
	bin->size = st.st_size;
	bin->mtime_nsec =
	    (gint64)st.st_mtim.tv_sec * G_GINT64_CONSTANT(1000000000) + st.st_mtim.tv_nsec;
	bin->build_id = hc_qemu_read_build_id(fd);
	close(fd);
	return g_steal_pointer(&bin);
}

static void
hc_qemu_consider(HcProbeContext *ctx,
		 const char *path,
		 GHashTable *seen,
		 GPtrArray *found,
		 GPtrArray *searched)
{
	HcQemuBinary *bin;

	if (g_ptr_array_find_with_equal_func(searched, path, g_str_equal, NULL))
		return;
	g_ptr_array_add(searched, g_strdup(path));
	bin = hc_qemu_binary_open(ctx, path, seen);
	if (bin != NULL)
		g_ptr_array_add(found, bin);
}

GPtrArray *
hc_qemu_binary_find_all(HcProbeContext *ctx, char **searched_out)
{
	GPtrArray *found = g_ptr_array_new_with_free_func((GDestroyNotify)hc_qemu_binary_free);
	g_autoptr(GPtrArray) searched = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	const char *const *configured = hc_probe_context_get_qemu_binaries(ctx);
	const char *env_path = g_getenv("PATH");
	g_auto(GStrv) dirs = g_strsplit(env_path != NULL ? env_path : "/usr/bin:/bin", ":", -1);

	for (guint i = 0; configured[i] != NULL; i++)
		hc_qemu_consider(ctx, configured[i], seen, found, searched);
	for (guint i = 0; hc_qemu_fixed_paths[i] != NULL; i++)
		hc_qemu_consider(ctx, hc_qemu_fixed_paths[i], seen, found, searched);
	for (guint i = 0; dirs[i] != NULL; i++) {
		g_autofree char *path = NULL;
		/* a relative $PATH entry depends on the daemon's working directory: not a place */
		if (!g_path_is_absolute(dirs[i]))
			continue;
		path = g_build_filename(dirs[i], HC_QEMU_PATH_NAME, NULL);
		hc_qemu_consider(ctx, path, seen, found, searched);
	}
	if (searched_out != NULL) {
		g_ptr_array_add(searched, NULL);
		*searched_out = g_strjoinv(", ", (char **)searched->pdata);
	}
	return found;
}
