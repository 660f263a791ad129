/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <unistd.h>

#include "hc-history.h"

static JsonNode *
hc_history_side(const HcSnapshot *snap, const char *id)
{
	const HcCapability *cap = snap != NULL ? hc_snapshot_lookup(snap, id) : NULL;
	JsonObject *obj;
	JsonNode *node;

	if (cap == NULL)
		return json_node_new(JSON_NODE_NULL);
	obj = json_object_new();
	json_object_set_string_member(obj, "state", hc_cap_state_to_string(cap->state));
	/* b, x, s and as map onto JSON bool, integer, string and array of strings */
	if (cap->value != NULL)
		json_object_set_member(obj, "value", json_gvariant_serialize(cap->value));
	/* take_object hands our reference to the node; init_object would add its own */
	node = json_node_new(JSON_NODE_OBJECT);
	json_node_take_object(node, obj);
	return node;
}

char *
hc_history_format_entry(const HcSnapshot *old, const HcSnapshot *new_snap, GPtrArray *changed_ids)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonGenerator) gen = json_generator_new();
	g_autoptr(JsonNode) root = NULL;

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "time_usec");
	json_builder_add_int_value(b, hc_snapshot_get_generated_usec(new_snap));
	json_builder_set_member_name(b, "boot_id");
	json_builder_add_string_value(b, hc_snapshot_get_boot_id(new_snap));
	json_builder_set_member_name(b, "kernel");
	json_builder_add_string_value(b, hc_snapshot_get_kernel(new_snap));
	json_builder_set_member_name(b, "generation");
	json_builder_add_int_value(b, (gint64)hc_snapshot_get_generation(new_snap));
	json_builder_set_member_name(b, "changes");
	json_builder_begin_array(b);
	for (guint i = 0; i < changed_ids->len; i++) {
		const char *id = g_ptr_array_index(changed_ids, i);
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "id");
		json_builder_add_string_value(b, id);
		json_builder_set_member_name(b, "old");
		json_builder_add_value(b, hc_history_side(old, id));
		json_builder_set_member_name(b, "new");
		json_builder_add_value(b, hc_history_side(new_snap, id));
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	json_generator_set_root(gen, root);
	return json_generator_to_data(gen, NULL);
}

/* rewrites the file with the newest whole lines that fit in half the bound, plus @line */
static gboolean
hc_history_trim(const char *path, guint64 max_bytes, const char *line, GError **error)
{
	g_autofree char *old = NULL;
	g_autoptr(GString) out = g_string_new(NULL);
	gsize len = 0;
	gsize keep_from;
	gsize budget = (gsize)(max_bytes / 2);

	if (!g_file_get_contents(path, &old, &len, error))
		return FALSE;
	/* walk back over whole lines from the end while they fit */
	keep_from = len;
	while (keep_from > 0) {
		gsize start = keep_from - 1;
		while (start > 0 && old[start - 1] != '\n')
			start--;
		if (len - start + strlen(line) + 1 > budget)
			break;
		keep_from = start;
	}
	g_string_append_len(out, old + keep_from, (gssize)(len - keep_from));
	g_string_append_printf(out, "%s\n", line);
	return g_file_set_contents_full(path,
					out->str,
					(gssize)out->len,
					G_FILE_SET_CONTENTS_CONSISTENT |
					    G_FILE_SET_CONTENTS_DURABLE,
					0644,
					error);
}

/* all of @text or nothing: a short write (ENOSPC, EIO) is cut away again so that the file
 * only ever holds whole lines */
static gboolean
hc_history_write_line(int fd, off_t size, const char *path, const char *text, GError **error)
{
	gsize len = strlen(text);
	gsize done = 0;

	while (done < len) {
		ssize_t n = write(fd, text + done, len - done);
		int errsv = errno;

		if (n < 0 && errsv == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errsv = ENOSPC;
			if (done > 0 && ftruncate(fd, size) < 0)
				g_warning("%s: cannot cut a partial line away: %s",
					  path,
					  g_strerror(errno));
			g_set_error(error,
				    G_IO_ERROR,
				    g_io_error_from_errno(errsv),
				    "writing %s: %s",
				    path,
				    g_strerror(errsv));
			return FALSE;
		}
		done += (gsize)n;
	}
	if (fdatasync(fd) < 0)
		g_debug("fdatasync %s: %s, ignoring", path, g_strerror(errno));
	return TRUE;
}

gboolean
hc_history_append(const char *dir, guint64 max_bytes, const char *line, GError **error)
{
	g_autofree char *path = g_build_filename(dir, HC_HISTORY_FILE_NAME, NULL);
	g_autofree char *text = g_strdup_printf("%s\n", line);
	gsize len = strlen(text);
	struct stat st;
	gboolean ok;
	int fd;

	if (g_mkdir_with_parents(dir, 0755) < 0) {
		g_set_error(error,
			    G_IO_ERROR,
			    g_io_error_from_errno(errno),
			    "creating %s: %s",
			    dir,
			    g_strerror(errno));
		return FALSE;
	}
	/* O_NOFOLLOW: a symlink planted in the state directory must not redirect root's write */
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW, 0644);
	if (fd >= 0 && fstat(fd, &st) == 0 && !S_ISREG(st.st_mode)) {
		close(fd);
		fd = -1;
		errno = EINVAL;
	}
	if (fd < 0 || fstat(fd, &st) < 0) {
		int errsv = errno;
		if (fd >= 0)
			close(fd);
		g_set_error(error,
			    G_IO_ERROR,
			    g_io_error_from_errno(errsv),
			    "opening %s: %s",
			    path,
			    errsv == EINVAL ? "not a regular file" : g_strerror(errsv));
		return FALSE;
	}
	if ((guint64)st.st_size + len > max_bytes && st.st_size > 0) {
		close(fd);
		if (!hc_history_trim(path, max_bytes, line, error)) {
			g_prefix_error(error, "trimming %s: ", path);
			return FALSE;
		}
		return TRUE;
	}
	ok = hc_history_write_line(fd, st.st_size, path, text, error);
	close(fd);
	return ok;
}
