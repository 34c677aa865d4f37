#include "vigie/core/reader.h"
#include "vigie/core/util.h"

#include <errno.h>
#include <lz4frame.h>
#include <lzma.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define RAW_CHUNK 65536

struct vigie_reader {
	char *name;
	FILE *fp;             /* NULL when reading memory */
	const unsigned char *mem;
	size_t memlen, mempos;
	enum vigie_compression comp;
	/* compressed input buffer */
	unsigned char in[RAW_CHUNK];
	size_t inlen, inpos;
	int in_eof;
	/* decoders */
	z_stream z;
	int z_init;
	lzma_stream xz;
	int xz_init;
	LZ4F_dctx *lz4;
	int dec_done;
	/* decompressed output buffer */
	char *out;
	size_t outlen, outpos, outcap;
	/* line assembly */
	struct vigie_buf line;
	size_t max_line;
	unsigned long lineno;
	int partial;
	int eof;
};

static int fill_in(struct vigie_reader *r, struct vigie_error *err)
{
	size_t n;
	if (r->inpos < r->inlen || r->in_eof)
		return 0;
	if (r->fp) {
		n = fread(r->in, 1, sizeof(r->in), r->fp);
		if (n == 0 && ferror(r->fp))
			return vigie_error_set(err, VIGIE_EIO, r->name, r->lineno + 1,
					       "read error: %s", strerror(errno));
	} else {
		n = r->memlen - r->mempos;
		if (n > sizeof(r->in))
			n = sizeof(r->in);
		if (n) /* data may be NULL when len is 0 */
			memcpy(r->in, r->mem + r->mempos, n);
		r->mempos += n;
	}
	r->inlen = n;
	r->inpos = 0;
	if (n == 0)
		r->in_eof = 1;
	return 0;
}

static int corrupt(struct vigie_reader *r, struct vigie_error *err, const char *what)
{
	return vigie_error_set(err, VIGIE_EPARSE, r->name, r->lineno + 1,
			       "corrupt or truncated %s data", what);
}

/* Produce more decompressed bytes into r->out; sets r->eof at the end. */
static int fill_out(struct vigie_reader *r, struct vigie_error *err)
{
	int rc;
	r->outpos = r->outlen = 0;
	while (r->outlen == 0 && !r->eof) {
		if ((rc = fill_in(r, err)))
			return rc;
		switch (r->comp) {
		case VIGIE_COMP_NONE:
			if (r->in_eof) {
				r->eof = 1;
				break;
			}
			memcpy(r->out, r->in + r->inpos, r->inlen - r->inpos);
			r->outlen = r->inlen - r->inpos;
			r->inpos = r->inlen;
			break;
		case VIGIE_COMP_GZIP: {
			if (r->dec_done) {
				/* concatenated gzip members */
				if (r->in_eof) {
					r->eof = 1;
					break;
				}
				inflateReset(&r->z);
				r->dec_done = 0;
			}
			if (r->in_eof)
				return corrupt(r, err, "gzip");
			r->z.next_in = r->in + r->inpos;
			r->z.avail_in = (uInt)(r->inlen - r->inpos);
			r->z.next_out = (Bytef *)r->out;
			r->z.avail_out = (uInt)r->outcap;
			rc = inflate(&r->z, Z_NO_FLUSH);
			if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR)
				return corrupt(r, err, "gzip");
			r->inpos = r->inlen - r->z.avail_in;
			r->outlen = r->outcap - r->z.avail_out;
			if (rc == Z_STREAM_END)
				r->dec_done = 1;
			break;
		}
		case VIGIE_COMP_XZ: {
			lzma_ret lr;
			r->xz.next_in = r->in + r->inpos;
			r->xz.avail_in = r->inlen - r->inpos;
			r->xz.next_out = (uint8_t *)r->out;
			r->xz.avail_out = r->outcap;
			lr = lzma_code(&r->xz, r->in_eof ? LZMA_FINISH : LZMA_RUN);
			r->inpos = r->inlen - r->xz.avail_in;
			r->outlen = r->outcap - r->xz.avail_out;
			if (lr == LZMA_STREAM_END) {
				if (r->outlen == 0)
					r->eof = 1;
				r->dec_done = 1;
			} else if (lr == LZMA_MEMLIMIT_ERROR) {
				/* the block header asks for a dictionary larger than
				 * any real Debian file needs */
				return vigie_error_set(
					err, VIGIE_ELIMIT, r->name, r->lineno + 1,
					"xz data needs %llu MiB of memory to decode, more than the %llu MiB limit",
					(unsigned long long)((lzma_memusage(&r->xz) + (1 << 20) - 1) >> 20),
					(unsigned long long)(VIGIE_READER_XZ_MEMLIMIT >> 20));
			} else if (lr != LZMA_OK && !(lr == LZMA_BUF_ERROR && r->outlen)) {
				return corrupt(r, err, "xz");
			}
			if (r->dec_done && r->outlen == 0)
				r->eof = 1;
			break;
		}
		case VIGIE_COMP_LZ4: {
			size_t src = r->inlen - r->inpos, dst = r->outcap, hint;
			if (r->dec_done && r->in_eof) {
				r->eof = 1;
				break;
			}
			if (r->in_eof)
				return corrupt(r, err, "lz4");
			hint = LZ4F_decompress(r->lz4, r->out, &dst, r->in + r->inpos,
					       &src, NULL);
			if (LZ4F_isError(hint))
				return corrupt(r, err, "lz4");
			r->inpos += src;
			r->outlen = dst;
			r->dec_done = hint == 0;
			break;
		}
		}
	}
	return 0;
}

static int setup(struct vigie_reader *r, struct vigie_error *err)
{
	int rc;
	r->out = malloc(RAW_CHUNK * 4);
	r->outcap = RAW_CHUNK * 4;
	r->max_line = VIGIE_READER_MAX_LINE;
	if (!r->out)
		return vigie_error_set(err, VIGIE_ENOMEM, r->name, 0, "out of memory");
	if ((rc = fill_in(r, err)))
		return rc;
	/* Magic detection needs a few bytes; a short read at start is fine
	 * because fill_in reads a full chunk when it can. */
	if (r->inlen >= 2 && r->in[0] == 0x1f && r->in[1] == 0x8b) {
		r->comp = VIGIE_COMP_GZIP;
		if (inflateInit2(&r->z, 15 + 32) != Z_OK)
			return vigie_error_set(err, VIGIE_ENOMEM, r->name, 0,
					       "cannot initialise zlib");
		r->z_init = 1;
	} else if (r->inlen >= 6 && !memcmp(r->in, "\xfd" "7zXZ\0", 6)) {
		lzma_stream init = LZMA_STREAM_INIT;
		r->comp = VIGIE_COMP_XZ;
		r->xz = init;
		if (lzma_stream_decoder(&r->xz, VIGIE_READER_XZ_MEMLIMIT,
					 LZMA_CONCATENATED) != LZMA_OK)
			return vigie_error_set(err, VIGIE_ENOMEM, r->name, 0,
					       "cannot initialise liblzma");
		r->xz_init = 1;
	} else if (r->inlen >= 4 && !memcmp(r->in, "\x04\x22\x4d\x18", 4)) {
		r->comp = VIGIE_COMP_LZ4;
		if (LZ4F_isError(LZ4F_createDecompressionContext(&r->lz4, LZ4F_VERSION)))
			return vigie_error_set(err, VIGIE_ENOMEM, r->name, 0,
					       "cannot initialise liblz4");
	}
	return 0;
}

static struct vigie_reader *reader_new(const char *name)
{
	struct vigie_reader *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->name = strdup(name ? name : "(input)");
	if (!r->name) {
		free(r);
		return NULL;
	}
	vigie_buf_init(&r->line);
	return r;
}

int vigie_reader_open(struct vigie_reader **out, const char *path,
		      struct vigie_error *err)
{
	struct vigie_reader *r;
	int rc;

	*out = NULL;
	r = reader_new(strcmp(path, "-") ? path : "(stdin)");
	if (!r)
		return vigie_error_set(err, VIGIE_ENOMEM, path, 0, "out of memory");
	r->fp = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!r->fp) {
		rc = vigie_error_set(err, VIGIE_EIO, path, 0, "cannot open: %s",
				     strerror(errno));
		vigie_reader_free(r);
		return rc;
	}
	if ((rc = setup(r, err))) {
		vigie_reader_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

int vigie_reader_open_mem(struct vigie_reader **out, const void *data,
			  size_t len, const char *name, struct vigie_error *err)
{
	struct vigie_reader *r;
	int rc;

	*out = NULL;
	r = reader_new(name);
	if (!r)
		return vigie_error_set(err, VIGIE_ENOMEM, name, 0, "out of memory");
	r->mem = data;
	r->memlen = len;
	if ((rc = setup(r, err))) {
		vigie_reader_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

void vigie_reader_set_max_line(struct vigie_reader *r, size_t max)
{
	r->max_line = max;
}

long vigie_reader_read(struct vigie_reader *r, void *buf, size_t size,
		       struct vigie_error *err)
{
	size_t n;
	int rc;
	if (r->outpos == r->outlen) {
		if (r->eof)
			return 0;
		if ((rc = fill_out(r, err)))
			return rc;
		if (r->outlen == 0)
			return 0;
	}
	n = r->outlen - r->outpos;
	if (n > size)
		n = size;
	memcpy(buf, r->out + r->outpos, n);
	r->outpos += n;
	return (long)n;
}

int vigie_reader_getline(struct vigie_reader *r, char **line, size_t *len,
			 struct vigie_error *err)
{
	int rc, was_partial = r->partial;
	vigie_buf_reset(&r->line);
	r->partial = 0;
	for (;;) {
		char *start, *nl;
		size_t avail, take;
		if (r->outpos == r->outlen) {
			if (!r->eof && (rc = fill_out(r, err)))
				return rc;
			if (r->outpos == r->outlen) {
				if (r->line.len == 0) {
					/* still about the last line returned */
					r->partial = was_partial;
					return 0;
				}
				r->partial = 1;
				break;
			}
		}
		start = r->out + r->outpos;
		avail = r->outlen - r->outpos;
		nl = memchr(start, '\n', avail);
		take = nl ? (size_t)(nl - start) : avail;
		/* One byte over is kept until the line ends: it may be the
		 * '\r' of a CRLF, which does not count. */
		if (r->line.len + take > r->max_line &&
		    r->line.len + take - r->max_line > 1)
			return vigie_error_set(err, VIGIE_ELIMIT, r->name, r->lineno + 1,
					       "line longer than %zu bytes", r->max_line);
		if (vigie_buf_add(&r->line, start, take))
			return vigie_error_set(err, VIGIE_ENOMEM, r->name, r->lineno + 1,
					       "out of memory");
		r->outpos += take + (nl ? 1 : 0);
		if (nl)
			break;
	}
	r->lineno++;
	if (!r->line.data && vigie_buf_grow(&r->line, 0))
		return vigie_error_set(err, VIGIE_ENOMEM, r->name, r->lineno, "out of memory");
	if (r->line.len && r->line.data[r->line.len - 1] == '\r')
		r->line.data[--r->line.len] = '\0';
	if (r->line.len > r->max_line)
		return vigie_error_set(err, VIGIE_ELIMIT, r->name, r->lineno,
				       "line longer than %zu bytes", r->max_line);
	if (memchr(r->line.data, '\0', r->line.len))
		return vigie_error_set(err, VIGIE_EPARSE, r->name, r->lineno,
				       "NUL byte in text (binary file?)");
	*line = r->line.data;
	*len = r->line.len;
	return 1;
}

unsigned long vigie_reader_lineno(const struct vigie_reader *r)
{
	return r->lineno;
}

int vigie_reader_partial(const struct vigie_reader *r)
{
	return r->partial;
}

const char *vigie_reader_name(const struct vigie_reader *r)
{
	return r->name;
}

enum vigie_compression vigie_reader_compression(const struct vigie_reader *r)
{
	return r->comp;
}

void vigie_reader_free(struct vigie_reader *r)
{
	if (!r)
		return;
	if (r->fp && r->fp != stdin)
		fclose(r->fp);
	if (r->z_init)
		inflateEnd(&r->z);
	if (r->xz_init)
		lzma_end(&r->xz);
	if (r->lz4)
		LZ4F_freeDecompressionContext(r->lz4);
	free(r->out);
	vigie_buf_release(&r->line);
	free(r->name);
	free(r);
}
