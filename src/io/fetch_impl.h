/* io — fetch's private parts, shared by its files.
 *
 * Like the rest of io, this is written on tide's public API, libuv and
 * libcurl only. The files: fetch.c (the request: URL, options, libcurl's
 * header/write/read callbacks, name lookup), fetch_multi.c (libcurl on the
 * loop, the per-loop state, a transfer's end), fetch_body.c, fetch_json.c.
 *
 * Three rules keep libcurl and tide apart:
 *   1. No libcurl function is called from inside a libcurl callback. Work
 *      that would (stopping a transfer whose response was released inside a
 *      callback) is deferred until the outer call returns (multi->doomed).
 *   2. Inside libcurl callbacks nothing that can run user code is released:
 *      references go to multi->trash and are dropped once libcurl returned
 *      (releasing an async generator runs its clean-up, which may fetch).
 *   3. A transfer paused by a callback is resumed from a fresh macrotask (an
 *      immediate), never from a callback chain (curl_easy_pause can call the
 *      write callback before it returns).
 */
#ifndef TIDE_IO_FETCH_IMPL_H
#define TIDE_IO_FETCH_IMPL_H

#include <curl/curl.h>
#include <uv.h>

#include <tide.h>
#include <tide/fetch.h>

#include "val/alloc.h"

/* Body flow control: chunks come in up to CHUNK bytes; past HIGH bytes
 * queued and unread the transfer pauses, and it resumes when the queue is
 * back under LOW. */
#define FETCH_CHUNK (64 * 1024)
#define FETCH_HIGH (512 * 1024)
#define FETCH_LOW (256 * 1024)

/* A FIFO of values (chunks, promises). */
typedef struct vqueue {
    tide_val *v;
    size_t head, len, cap;
} vqueue;

int tide__vq_push(vqueue *q, tide_val v); /* takes v; 0 or TIDE_ENOMEM (v released) */
tide_val tide__vq_shift(vqueue *q);       /* owned; undefined when empty */
void tide__vq_clear(vqueue *q);           /* releases every value, frees the array */

typedef struct fetch_multi fetch_multi;
typedef struct fetch_xfer fetch_xfer;

/* The loop's shared multi handle and what drives it. */
struct fetch_multi {
    tide_loop *loop;
    uv_loop_t *uv;
    CURLM *multi;
    uv_timer_t timer;     /* libcurl's timer */
    unsigned long gen;    /* tells this state from a later one at its address */
    int in_curl;          /* depth of libcurl calls under way */
    int driving;          /* depth of our own driving code (drive, teardown) */
    size_t active;        /* transfers resolving or in the multi */
    fetch_xfer *xfers;    /* those transfers (a list) */
    fetch_xfer *doomed;   /* to stop once libcurl has returned */
    vqueue trash;         /* to release once libcurl has returned */
    bool linger;          /* an immediate will free the state if still idle */
    tide_timer linger_t;
    tide_val keeper_p;    /* the pending promise the keeper task awaits */
    bool closing;
    bool oom;             /* a callback of ours ran out of memory */
};

enum { X_NEW, X_RESOLVING, X_RUNNING, X_DONE };
enum { COLLECT_NONE, COLLECT_TEXT, COLLECT_BYTES, COLLECT_JSON };

/* An address lookup under way (uv_getaddrinfo). */
typedef struct fetch_gai {
    uv_getaddrinfo_t req;
    fetch_xfer *x; /* NULL once forgotten: the callback only frees */
} fetch_gai;

struct fetch_xfer {
    fetch_multi *m;        /* NULL once detached from the multi for good */
    fetch_xfer *prev, *next; /* in m->xfers while active */
    fetch_xfer *next_doomed;
    CURL *easy;
    int phase;
    int holds;             /* reasons to live besides the ones below */
    char *url;             /* as requested, normalised by libcurl's parser */
    char *host;            /* for the uv_getaddrinfo lookup */
    long port;
    fetch_gai *gai;        /* the lookup under way, or NULL */
    struct curl_slist *req_headers, *resolve;
    char errbuf[CURL_ERROR_SIZE];
    tide_redirect redirect;
    long max_redirects;
    bool custom_method;    /* sent with CURLOPT_CUSTOMREQUEST (PUT, DELETE, ...) */
    bool post_method;      /* ... and that method is POST (without a body) */
    char *see_other;       /* a 303's target, to follow as GET (see_other()) */
    long hand_redirects;   /* redirects followed that way so far */
    long timeout_ms;       /* the whole fetch's, or 0 */
    uint64_t started_ms;   /* tide_now() when it started */
    tide_val signal;       /* held while listening, else undefined */
    tide_val fetch_p;      /* the pending fetch promise, until the headers */
    tide_val fail;         /* why we stopped libcurl (a callback returned an
                            * error), taken when the transfer ends */

    /* The response being read, then the final one. */
    int status;
    char *status_text;
    char **hnames, **hvalues;
    size_t hcount, hcap;
    bool has_location;
    bool headers_done;
    char *final_url;
    bool redirected;
    bool resp_alive;       /* a Response object refers to this transfer */

    /* The body. */
    vqueue chunks;
    size_t queued;         /* bytes in chunks */
    vqueue waiters;        /* pending next() promises */
    bool finished;         /* no more data will come */
    bool canceled;         /* ended by the consumer (return()) */
    tide_val err;          /* why the body failed, or undefined */
    bool body_used;
    bool recv_paused, send_paused;
    bool resume_pending;
    tide_timer resume_t;

    /* text / bytes / json. */
    int collect;
    tide_val collect_p, collect_resp;
    char *buf;
    size_t blen, bcap;

    /* A streamed upload. */
    tide_val up_it;        /* the async iterator, until it ends */
    tide_val up_chunk;     /* the chunk being sent */
    size_t up_off;
    bool up_done, up_pulling, pull_pending;
    tide_val up_err;
    tide_timer pull_t;
};

/* fetch_multi.c: the loop's state and the life of a transfer */
fetch_multi *tide__multi_get(tide_loop *loop); /* the state, made if needed; NULL: no memory */
void tide__multi_track(fetch_multi *m, fetch_xfer *x); /* x counts as resolving */
void tide__multi_unused(tide_loop *loop); /* a fetch failed to start */
void tide__xfer_free(fetch_xfer *x);

/* A transfer that stopped at a 303 for its custom method (x->see_other set)
 * goes on as a GET to the 303's target, on the same easy handle: true, or
 * false with x->fail set. Called once the transfer is out of libcurl. */
bool tide__xfer_see_other(fetch_xfer *x);
void tide__xfer_on_abort(void *data, tide_val reason); /* the signal listener */
void tide__xfer_hold(fetch_xfer *x);
void tide__xfer_unhold(fetch_xfer *x); /* may free x */
/* Ends the transfer early: reason (taken) rejects the fetch promise or the
 * body's readers; cancel = the consumer's return(): readers get done. Safe
 * to call twice; may free x unless held. Not from inside libcurl. */
void tide__xfer_stop(fetch_xfer *x, tide_val reason, bool cancel);
/* A Response was released: stop a transfer still running (now, or once out
 * of libcurl). */
void tide__xfer_abandon(fetch_xfer *x);
/* Forgets the address lookup under way (its callback will only free it). */
void tide__fetch_gai_forget(fetch_xfer *x);
/* Releases v now, or once out of libcurl. */
void tide__xfer_trash(fetch_xfer *x, tide_val v);
/* Resumes a paused direction from an immediate. */
void tide__xfer_schedule_resume(fetch_xfer *x);
/* Frees x if nothing keeps it. */
void tide__xfer_maybe_free(fetch_xfer *x);
/* libcurl's failure rc as a tide error: "fetch URL: KIND: libcurl's message
 * (libcurl error N: its name)", its code chosen by kind (TIDE_ENOMEM for
 * CURLE_OUT_OF_MEMORY, TIDE_ETIMEDOUT, TIDE_ETLS, ...; else TIDE_EIO). */
tide_val tide__fetch_curl_error(fetch_xfer *x, CURLcode rc);
tide_val tide__fetch_error(fetch_xfer *x, int code, const char *kind, const char *detail);

/* fetch.c: requests */
void tide__xfer_headers_reset(fetch_xfer *x);

/* fetch_body.c */
tide_val tide__response_new(fetch_xfer *x); /* the Response (owned) or an error */
size_t tide__xfer_on_data(fetch_xfer *x, const char *data, size_t n); /* write callback */
size_t tide__xfer_on_read(fetch_xfer *x, char *buf, size_t n);        /* read callback */
void tide__xfer_body_end(fetch_xfer *x);   /* the transfer succeeded */
void tide__xfer_body_fail(fetch_xfer *x, bool cancel); /* x->err set (or cancel) */
int tide__xfer_upload_setup(fetch_xfer *x, tide_val body); /* 0 or error code */
void tide__xfer_upload_close(fetch_xfer *x);
void tide__xfer_body_free(fetch_xfer *x);

/* fetch_json.c */
tide_val tide__json_parse(const char *text, size_t n);

#endif
