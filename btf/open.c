// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Opening BTF: from memory, from a raw BTF file, or from an ELF file's .BTF
 * section; the format is told by the first bytes, never by the file name.
 *
 * Files are mapped read-only, not copied: /sys/kernel/btf/vmlinux is mapped
 * straight from kernel memory (kernel 6.16+; older kernels refuse the mmap
 * and the file is read instead). A private copy is made only when the BTF
 * is of the other byte order (swapped once, see swap.c) or when its start is
 * not 4-byte aligned in memory (an ELF section at an odd file offset).
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "btf_internal.h"

enum btf_format {
	BTF_FMT_RAW,
	BTF_FMT_RAW_SWAPPED,
	BTF_FMT_ELF,
};

static int detect_format(const uint8_t *data, size_t size, struct es_btf_diag *diag)
{
	uint16_t magic;

	if (size >= SELFMAG && !memcmp(data, ELFMAG, SELFMAG))
		return BTF_FMT_ELF;
	if (size >= sizeof(magic)) {
		memcpy(&magic, data, sizeof(magic));
		if (magic == BTF_MAGIC)
			return BTF_FMT_RAW;
		if (magic == __builtin_bswap16(BTF_MAGIC))
			return BTF_FMT_RAW_SWAPPED;
	}
	if (!size)
		return es_btf_diag_set(diag, ES_BTF_ERR_NOT_BTF, "empty: no BTF magic, not ELF");
	return es_btf_diag_set(diag, ES_BTF_ERR_NOT_BTF,
			       "first bytes 0x%02x%02x: neither BTF magic (0xeb9f) nor ELF",
			       data[0], size > 1 ? data[1] : 0);
}

static const char *order_name(bool swapped)
{
	bool host_little = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;

	return host_little != swapped ? "little-endian" : "big-endian";
}

/*
 * Validate raw BTF at @data into @btf. @writable: @data belongs to @btf and
 * may be swapped in place.
 */
static int open_raw(struct es_btf *btf, const uint8_t *data, size_t size, bool swapped,
		    bool writable, struct es_btf_diag *diag)
{
	uint8_t *copy;

	btf->swapped = swapped;
	/* Records are read as 32-bit words: a misaligned start gets an aligned copy. */
	if ((swapped && !writable) || ((uintptr_t)data & 3)) {
		copy = malloc(size);
		if (!copy)
			return es_btf_diag_set(diag, ES_BTF_ERR_NOMEM,
					       "no memory for a %zu-byte copy", size);
		memcpy(copy, data, size);
		free(btf->owned); /* the read() buffer the copy replaces, if any */
		btf->owned = copy;
		data = copy;
	}
	/* A module's BTF comes from the same build as its vmlinux. */
	if (btf->base && btf->base->swapped != swapped)
		return es_btf_diag_set(diag, ES_BTF_ERR_BASE, "split BTF is %s, its base %s",
				       order_name(swapped), order_name(btf->base->swapped));
	if (swapped)
		es_btf_swap_blob((uint8_t *)data, size);
	return es_btf_validate(btf, data, size, diag);
}

static int elf_fail(struct es_btf_diag *diag, const char *what)
{
	return es_btf_diag_set(diag, ES_BTF_ERR_ELF, "%s: %s", what, elf_errmsg(-1));
}

/* Find .BTF in @elf, an image of @size bytes, and say where it is and the ELF's byte order. */
static int find_btf_section(Elf *elf, size_t size, uint64_t *off, uint64_t *len, bool *elf_swapped,
			    struct es_btf_diag *diag)
{
	const char *ident, *name;
	size_t shstrndx;
	Elf_Scn *scn = NULL;
	GElf_Ehdr ehdr;
	GElf_Shdr shdr;

	if (elf_kind(elf) != ELF_K_ELF)
		return es_btf_diag_set(diag, ES_BTF_ERR_ELF, "not an ELF object");
	ident = elf_getident(elf, NULL);
	if (!ident)
		return elf_fail(diag, "ELF identification");
	*elf_swapped = ident[EI_DATA] !=
		       (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? ELFDATA2LSB : ELFDATA2MSB);
	if (!gelf_getehdr(elf, &ehdr))
		return elf_fail(diag, "ELF header");
	/* libelf quietly sees no sections when their table is cut off: say it is truncated. */
	if (ehdr.e_shoff > size || (uint64_t)ehdr.e_shnum * ehdr.e_shentsize > size - ehdr.e_shoff)
		return es_btf_diag_set(
			diag, ES_BTF_ERR_ELF,
			"ELF section headers at %llu (%u of %u bytes) past file size %zu",
			(unsigned long long)ehdr.e_shoff, ehdr.e_shnum, ehdr.e_shentsize, size);
	if (elf_getshdrstrndx(elf, &shstrndx))
		return elf_fail(diag, "ELF section name table");

	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &shdr))
			return elf_fail(diag, "ELF section header");
		name = elf_strptr(elf, shstrndx, shdr.sh_name);
		if (!name)
			return es_btf_diag_set(diag, ES_BTF_ERR_ELF,
					       "ELF section %zu: unreadable name: %s",
					       elf_ndxscn(scn), elf_errmsg(-1));
		if (!strcmp(name, ".BTF"))
			break;
	}
	if (!scn)
		return es_btf_diag_set(diag, ES_BTF_ERR_ELF_NO_BTF,
				       "no .BTF section in the ELF file");
	/* NOBITS: sh_size claims bytes the file does not hold (older pahole/libbpf crashed). */
	if (shdr.sh_type == SHT_NOBITS)
		return es_btf_diag_set(diag, ES_BTF_ERR_ELF_EMPTY, ".BTF section %zu is SHT_NOBITS",
				       elf_ndxscn(scn));
	if (!shdr.sh_size)
		return es_btf_diag_set(diag, ES_BTF_ERR_ELF_EMPTY, ".BTF section %zu is empty",
				       elf_ndxscn(scn));
	if (shdr.sh_flags & SHF_COMPRESSED)
		return es_btf_diag_set(diag, ES_BTF_ERR_ELF, ".BTF section %zu is compressed",
				       elf_ndxscn(scn));
	if (shdr.sh_offset > size || shdr.sh_size > size - shdr.sh_offset)
		return es_btf_diag_set(diag, ES_BTF_ERR_ELF,
				       ".BTF section %zu [%llu, +%llu) past file size %zu",
				       elf_ndxscn(scn), (unsigned long long)shdr.sh_offset,
				       (unsigned long long)shdr.sh_size, size);
	*off = shdr.sh_offset;
	*len = shdr.sh_size;
	return 0;
}

static int open_elf(struct es_btf *btf, const uint8_t *data, size_t size, bool writable,
		    struct es_btf_diag *diag)
{
	uint64_t off = 0, len = 0;
	bool elf_swapped = false;
	int fmt, err;
	Elf *elf;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return elf_fail(diag, "libelf initialisation");
	/* libelf only reads the image (ELF_C_READ_MMAP): the cast drops no promise. */
	elf = elf_memory((char *)data, size);
	if (!elf)
		return elf_fail(diag, "ELF image");
	err = find_btf_section(elf, size, &off, &len, &elf_swapped, diag);
	elf_end(elf);
	if (err)
		return err;

	fmt = detect_format(data + off, len, NULL);
	if (fmt < 0 || fmt == BTF_FMT_ELF)
		return es_btf_diag_set(diag, ES_BTF_ERR_NOT_BTF,
				       ".BTF section at file offset %llu: no BTF magic",
				       (unsigned long long)off);
	if ((fmt == BTF_FMT_RAW_SWAPPED) != elf_swapped)
		return es_btf_diag_set(
			diag, ES_BTF_ERR_ENDIAN_MISMATCH,
			".BTF at file offset %llu is %s, the ELF file %s", (unsigned long long)off,
			order_name(fmt == BTF_FMT_RAW_SWAPPED), order_name(elf_swapped));
	return open_raw(btf, data + off, len, elf_swapped, writable, diag);
}

static int open_image(const uint8_t *data, size_t size, const struct es_btf *base, bool writable,
		      struct es_btf *btf, struct es_btf_diag *diag)
{
	int fmt = detect_format(data, size, diag);

	btf->base = base;
	if (fmt < 0)
		return fmt;
	if (fmt == BTF_FMT_ELF)
		return open_elf(btf, data, size, writable, diag);
	return open_raw(btf, data, size, fmt == BTF_FMT_RAW_SWAPPED, writable, diag);
}

static void diag_clear(struct es_btf_diag *diag)
{
	if (diag) {
		diag->code = 0;
		diag->msg[0] = '\0';
	}
}

int es_btf_open_mem(const void *data, size_t size, const struct es_btf *base, struct es_btf **out,
		    struct es_btf_diag *diag)
{
	struct es_btf *btf;
	int err;

	*out = NULL;
	diag_clear(diag);
	btf = calloc(1, sizeof(*btf));
	if (!btf)
		return es_btf_diag_set(diag, ES_BTF_ERR_NOMEM, "no memory for struct btf");
	err = open_image(data, size, base, false, btf, diag);
	if (err) {
		es_btf_free(btf);
		return err;
	}
	*out = btf;
	return 0;
}

/*
 * The fallback when the file cannot be mapped (sysfs BTF before kernel 6.16,
 * other sysfs files). sysfs reports 4096 bytes for any text attribute, so
 * @size is an upper bound: a shorter file is what it is, and its content decides.
 */
static int read_file(int fd, const char *path, size_t *size, struct es_btf *btf,
		     struct es_btf_diag *diag)
{
	size_t done = 0;
	ssize_t n;

	btf->owned = malloc(*size);
	if (!btf->owned)
		return es_btf_diag_set(diag, ES_BTF_ERR_NOMEM, "%s: no memory for %zu bytes", path,
				       *size);
	while (done < *size) {
		n = pread(fd, (uint8_t *)btf->owned + done, *size - done, done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return es_btf_diag_set(diag, ES_BTF_ERR_IO, "%s: read: %s", path,
					       strerror(errno));
		if (n == 0)
			break;
		done += n;
	}
	*size = done;
	return 0;
}

/* Name the file in front of what was wrong inside it. */
static void diag_prefix_path(struct es_btf_diag *diag, const char *path)
{
	char msg[ES_BTF_MSG_MAX];
	size_t used, len;

	if (!diag)
		return;
	snprintf(msg, sizeof(msg), "%s: ", path);
	used = strlen(msg);
	len = strnlen(diag->msg, sizeof(diag->msg));
	if (len > sizeof(msg) - 1 - used)
		len = sizeof(msg) - 1 - used;
	memcpy(msg + used, diag->msg, len);
	msg[used + len] = '\0';
	memcpy(diag->msg, msg, sizeof(msg));
}

int es_btf_open_file(const char *path, const struct es_btf *base, struct es_btf **out,
		     struct es_btf_diag *diag)
{
	const uint8_t *data;
	struct es_btf *btf;
	struct stat st;
	size_t size;
	int fd, err;

	*out = NULL;
	diag_clear(diag);
	btf = calloc(1, sizeof(*btf));
	if (!btf)
		return es_btf_diag_set(diag, ES_BTF_ERR_NOMEM, "no memory for struct btf");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = es_btf_diag_set(diag, ES_BTF_ERR_IO, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (fstat(fd, &st)) {
		err = es_btf_diag_set(diag, ES_BTF_ERR_IO, "%s: stat: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		err = es_btf_diag_set(diag, ES_BTF_ERR_IO, "%s: not a regular file", path);
		goto out;
	}
	if (st.st_size == 0) {
		err = es_btf_diag_set(diag, ES_BTF_ERR_NOT_BTF, "%s: empty file", path);
		goto out;
	}
	size = st.st_size;
	btf->map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (btf->map == MAP_FAILED) {
		btf->map = NULL;
		err = read_file(fd, path, &size, btf, diag);
		if (err)
			goto out;
		data = btf->owned;
	} else {
		btf->map_len = size;
		data = btf->map;
	}
	err = open_image(data, size, base, btf->owned != NULL, btf, diag);
	if (err)
		diag_prefix_path(diag, path);
out:
	if (fd >= 0)
		close(fd);
	if (err) {
		es_btf_free(btf);
		return err;
	}
	*out = btf;
	return 0;
}

void es_btf_free(struct es_btf *btf)
{
	if (!btf)
		return;
	if (btf->map)
		munmap(btf->map, btf->map_len);
	free(btf->owned);
	free(btf->type_offs);
	free(btf->kinds);
	free(btf->composites);
	free(btf->composite_names);
	free(btf);
}

uint32_t es_btf_type_cnt(const struct es_btf *btf)
{
	return btf->start_id + btf->nr_types;
}

int es_btf_is_swapped(const struct es_btf *btf)
{
	return btf->swapped;
}
