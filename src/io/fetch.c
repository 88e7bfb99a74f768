/* io — tide_fetch: a request from URL and options to a transfer in the
 * loop's multi handle (fetch_multi.c), libcurl's header / write / read
 * callbacks, and name resolution with libuv. */
#include <arpa/inet.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fetch_impl.h"

#define DEFAULT_MAX_REDIRECTS 20

/* libcurl's memory goes through tide's allocator (hooks and fault
 * injection alike). Initialised on the first fetch, and tried again on the
 * next one if that failed (it can run out of memory), hence a lock rather
 * than a once. If the program initialised libcurl first, its allocator
 * stays: curl_global_init_mem then only counts a reference. */
static pthread_mutex_t curl_lock = PTHREAD_MUTEX_INITIALIZER;
static bool curl_ready;

static CURLcode curl_init(void) {
    CURLcode rc = CURLE_OK;
    pthread_mutex_lock(&curl_lock);
    if (!curl_ready) {
        rc = curl_global_init_mem(CURL_GLOBAL_DEFAULT, tide__malloc, tide__free, tide__realloc,
                                  tide__strdup, tide__calloc);
        curl_ready = rc == CURLE_OK;
    }
    pthread_mutex_unlock(&curl_lock);
    return rc;
}

/* ---- libcurl's callbacks ----------------------------------------------------- */

void tide__xfer_headers_reset(fetch_xfer *x) {
    for (size_t i = 0; i < x->hcount; i++) {
        tide__free(x->hnames[i]);
        tide__free(x->hvalues[i]);
    }
    x->hcount = 0;
    tide__free(x->status_text);
    x->status_text = NULL;
    x->status = 0;
    x->has_location = false;
}

static char *dup_trim(const char *s, size_t n) {
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        n--;
    return tide__strndup(s, n);
}

static bool header_add(fetch_xfer *x, const char *line, size_t n) {
    if (n && (line[0] == ' ' || line[0] == '\t')) { /* obsolete line folding */
        if (!x->hcount)
            return true;
        char *more = dup_trim(line, n);
        if (!more)
            return false;
        char **v = &x->hvalues[x->hcount - 1];
        size_t a = strlen(*v), b = strlen(more);
        char *joined = tide__realloc(*v, a + b + 2);
        if (!joined) {
            tide__free(more);
            return false;
        }
        joined[a] = ' ';
        memcpy(joined + a + 1, more, b + 1);
        *v = joined;
        tide__free(more);
        return true;
    }
    const char *colon = memchr(line, ':', n);
    if (!colon)
        return true; /* not a header: ignored, as browsers do */
    if (x->hcount == x->hcap) {
        size_t cap = x->hcap ? x->hcap * 2 : 16;
        char **names = tide__realloc(x->hnames, cap * sizeof *names);
        if (!names)
            return false;
        x->hnames = names;
        char **values = tide__realloc(x->hvalues, cap * sizeof *values);
        if (!values)
            return false;
        x->hvalues = values;
        x->hcap = cap;
    }
    char *name = dup_trim(line, (size_t)(colon - line));
    char *value = dup_trim(colon + 1, n - (size_t)(colon + 1 - line));
    if (!name || !value) {
        tide__free(name);
        tide__free(value);
        return false;
    }
    if (strcasecmp(name, "location") == 0)
        x->has_location = true;
    x->hnames[x->hcount] = name;
    x->hvalues[x->hcount++] = value;
    return true;
}

/* "HTTP/1.1 404 Not Found" */
static bool status_line(fetch_xfer *x, const char *line, size_t n) {
    tide__xfer_headers_reset(x);
    const char *end = line + n, *p = memchr(line, ' ', n);
    if (!p)
        return true;
    while (p < end && *p == ' ')
        p++;
    int status = 0;
    while (p < end && *p >= '0' && *p <= '9')
        status = status * 10 + (*p++ - '0');
    x->status = status;
    x->status_text = dup_trim(p, (size_t)(end - p));
    return x->status_text != NULL;
}

/* fetch follows a 303 with GET whatever the method was (and a 301 or 302
 * of a POST); libcurl keeps a custom method (a DELETE would be sent to the
 * 303's target). So a transfer with a custom method stops at such a
 * response's headers, and once out of libcurl goes on as a GET
 * (tide__xfer_see_other). false: stop here. */
static bool see_other(fetch_xfer *x) {
    const char *loc = "";
    for (size_t i = 0; i < x->hcount; i++)
        if (strcasecmp(x->hnames[i], "location") == 0)
            loc = x->hvalues[i];
    long followed = 0;
    char *base = NULL, *to = NULL;
    curl_easy_getinfo(x->easy, CURLINFO_REDIRECT_COUNT, &followed);
    curl_easy_getinfo(x->easy, CURLINFO_EFFECTIVE_URL, &base);
    x->hand_redirects += followed + 1; /* libcurl's count starts over with the GET */
    if (x->hand_redirects > x->max_redirects) {
        x->fail = tide__fetch_error(x, TIDE_EREDIRECT, "too many redirects", loc);
        return false;
    }
    CURLU *u = curl_url();
    CURLUcode uc = u ? curl_url_set(u, CURLUPART_URL, base ? base : x->url, 0) : CURLUE_OUT_OF_MEMORY;
    if (uc == CURLUE_OK)
        uc = curl_url_set(u, CURLUPART_URL, loc, 0); /* relative to base */
    if (uc == CURLUE_OK)
        uc = curl_url_get(u, CURLUPART_URL, &to, 0);
    curl_url_cleanup(u);
    if (uc == CURLUE_OK && !(x->see_other = tide__strdup(to)))
        uc = CURLUE_OUT_OF_MEMORY;
    curl_free(to);
    if (uc != CURLUE_OK)
        x->fail = uc == CURLUE_OUT_OF_MEMORY
                      ? tide_error_new(TIDE_ENOMEM, NULL)
                      : tide__fetch_error(x, TIDE_EREDIRECT, "bad redirect", loc);
    return false;
}

/* Whether fetch would turn this redirect of a custom-method request into a
 * GET (libcurl would not). */
static bool becomes_get(const fetch_xfer *x) {
    return x->custom_method &&
           (x->status == 303 || (x->post_method && (x->status == 301 || x->status == 302)));
}

/* The blank line after a response's headers: an interim response (1xx, a
 * redirect libcurl follows) starts over; the final one makes the Response
 * and fulfils the fetch. */
static bool headers_end(fetch_xfer *x) {
    if (x->status >= 100 && x->status < 200)
        return true;
    if (x->status >= 300 && x->status < 400 && x->status != 304 && x->has_location) {
        if (x->redirect == TIDE_REDIRECT_FOLLOW)
            return becomes_get(x) ? see_other(x) : true;
        if (x->redirect == TIDE_REDIRECT_ERROR) {
            x->fail = tide__fetch_error(x, TIDE_EREDIRECT, "redirected",
                                        "redirect mode is TIDE_REDIRECT_ERROR");
            return false;
        }
    }
    char *url = NULL;
    long redirects = 0;
    curl_easy_getinfo(x->easy, CURLINFO_EFFECTIVE_URL, &url);
    curl_easy_getinfo(x->easy, CURLINFO_REDIRECT_COUNT, &redirects);
    x->final_url = tide__strdup(url ? url : x->url);
    x->redirected = redirects + x->hand_redirects > 0;
    x->headers_done = true;
    tide_val resp = x->final_url ? tide__response_new(x) : tide_error_new(TIDE_ENOMEM, NULL);
    if (tide_is_error(resp)) {
        x->fail = resp;
        return false;
    }
    tide_val p = x->fetch_p;
    x->fetch_p = tide_undefined();
    tide_promise_resolve(p, resp);
    tide__xfer_trash(x, p);
    return true;
}

static size_t header_cb(char *buf, size_t size, size_t nitems, void *userp) {
    fetch_xfer *x = userp;
    size_t n = size * nitems;
    if (x->headers_done) /* trailers */
        return n;
    bool ok;
    if (n >= 5 && memcmp(buf, "HTTP/", 5) == 0)
        ok = status_line(x, buf, n);
    else if (n <= 2 && (n == 0 || buf[0] == '\r' || buf[0] == '\n'))
        ok = headers_end(x);
    else
        ok = header_add(x, buf, n);
    if (!ok && tide_is_undefined(x->fail) && !x->see_other)
        x->fail = tide_error_new(TIDE_ENOMEM, NULL);
    return ok ? n : 0;
}

static size_t write_cb(char *data, size_t size, size_t nitems, void *userp) {
    return tide__xfer_on_data(userp, data, size * nitems);
}

static size_t read_cb(char *buf, size_t size, size_t nitems, void *userp) {
    return tide__xfer_on_read(userp, buf, size * nitems);
}

/* ---- Name resolution with libuv ------------------------------------------- */


static void start_transfer(fetch_xfer *x);

static void on_resolved(uv_getaddrinfo_t *req, int status, struct addrinfo *res) {
    fetch_gai *g = (fetch_gai *)req;
    fetch_xfer *x = g->x;
    tide__free(g);
    if (!x) {
        uv_freeaddrinfo(res);
        return;
    }
    x->gai = NULL;
    tide_loop *loop = x->m->loop;
    if (tide_loop_stopped(loop)) { /* the keeper will stop it */
        uv_freeaddrinfo(res);
        return;
    }
    char list[1024];
    size_t len = (size_t)snprintf(list, sizeof list, "+%s:%ld:", x->host, x->port);
    int naddr = 0;
    for (struct addrinfo *a = res; status == 0 && a && len < sizeof list - 64; a = a->ai_next) {
        char ip[INET6_ADDRSTRLEN];
        if (a->ai_family == AF_INET)
            inet_ntop(AF_INET, &((struct sockaddr_in *)a->ai_addr)->sin_addr, ip, sizeof ip);
        else if (a->ai_family == AF_INET6)
            inet_ntop(AF_INET6, &((struct sockaddr_in6 *)a->ai_addr)->sin6_addr, ip, sizeof ip);
        else
            continue;
        len += (size_t)snprintf(list + len, sizeof list - len,
                                a->ai_family == AF_INET6 ? "%s[%s]" : "%s%s", naddr ? "," : "", ip);
        naddr++;
    }
    uv_freeaddrinfo(res);
    if (status < 0 || naddr == 0) {
        char detail[512];
        snprintf(detail, sizeof detail, "%s (%s)", x->host,
                 status < 0 ? uv_strerror(status) : "no address");
        tide__xfer_stop(x, tide__fetch_error(x, TIDE_ENOTFOUND, "could not resolve host", detail), false);
    } else {
        x->resolve = curl_slist_append(NULL, list);
        if (x->resolve)
            curl_easy_setopt(x->easy, CURLOPT_RESOLVE, x->resolve);
        start_transfer(x); /* without the list, libcurl resolves it */
    }
    tide_loop_checkpoint(loop);
}

static int start_lookup(fetch_xfer *x) {
    fetch_gai *g = tide__calloc(1, sizeof *g);
    if (!g)
        return TIDE_ENOMEM;
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    tide__uv_fallible(true); /* it reports running out of memory */
    int rc = uv_getaddrinfo(x->m->uv, &g->req, on_resolved, x->host, NULL, &hints);
    tide__uv_fallible(false);
    if (rc != 0) {
        tide__free(g);
        return rc == UV_ENOMEM ? TIDE_ENOMEM : TIDE_EIO;
    }
    g->x = x;
    x->gai = g;
    return 0;
}

/* ---- Starting a request ---------------------------------------------------- */

static void start_transfer(fetch_xfer *x) {
    fetch_multi *m = x->m;
    x->phase = X_RUNNING;
    m->in_curl++;
    CURLMcode rc = curl_multi_add_handle(m->multi, x->easy);
    m->in_curl--;
    if (rc != CURLM_OK) {
        x->phase = X_RESOLVING; /* still counted: detach undoes that */
        tide__xfer_stop(x, tide__fetch_error(x, TIDE_EIO, "transfer failed",
                                             curl_multi_strerror(rc)), false);
    }
}

static bool is_loopback(const char *host) {
    size_t n = strlen(host);
    return strcasecmp(host, "localhost") == 0 ||
           (n > 10 && strcasecmp(host + n - 10, ".localhost") == 0) ||
           strncmp(host, "127.", 4) == 0 || strcmp(host, "[::1]") == 0;
}

static bool is_ip_literal(const char *host) {
    struct in_addr a;
    return host[0] == '[' || inet_pton(AF_INET, host, &a) == 1;
}

static bool header_given(const char *const *headers, const char *name) {
    size_t n = strlen(name);
    for (size_t i = 0; headers && headers[i]; i++)
        if (strncasecmp(headers[i], name, n) == 0 && headers[i][n] == ':')
            return true;
    return false;
}

static tide_val reject(int code, const char *fmt, const char *a, const char *b) {
    return tide_promise_rejected(tide_error_new(code, fmt, a, b));
}

/* Parses url: fills x->url (normalised), x->host, x->port. 0 or a rejected
 * promise's worth of error in *err. */
static int parse_url(fetch_xfer *x, const char *url, tide_val *err) {
    CURLU *u = curl_url();
    if (!u)
        return *err = tide_error_new(TIDE_ENOMEM, NULL), TIDE_ENOMEM;
    char *scheme = NULL, *host = NULL, *port = NULL, *full = NULL;
    CURLUcode uc = curl_url_set(u, CURLUPART_URL, url, 0);
    if (uc == CURLUE_OK)
        uc = curl_url_get(u, CURLUPART_SCHEME, &scheme, 0);
    if (uc == CURLUE_OK)
        uc = curl_url_get(u, CURLUPART_HOST, &host, 0);
    if (uc == CURLUE_OK)
        uc = curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT);
    if (uc == CURLUE_OK)
        uc = curl_url_get(u, CURLUPART_URL, &full, 0);
    int rc = 0;
    if (uc != CURLUE_OK) {
        *err = tide_error_new(uc == CURLUE_OUT_OF_MEMORY ? TIDE_ENOMEM : TIDE_EINVAL,
                              "fetch %s: invalid URL: %s", url, curl_url_strerror(uc));
        rc = TIDE_EINVAL;
    } else if (strcasecmp(scheme, "http") != 0 && strcasecmp(scheme, "https") != 0) {
        *err = tide_error_new(TIDE_EINVAL, "fetch %s: invalid URL: unsupported scheme \"%s\"",
                              url, scheme);
        rc = TIDE_EINVAL;
    } else {
        x->url = tide__strdup(full);
        x->host = tide__strdup(host);
        x->port = strtol(port, NULL, 10);
        if (!x->url || !x->host) {
            *err = tide_error_new(TIDE_ENOMEM, NULL);
            rc = TIDE_ENOMEM;
        }
    }
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
    curl_free(full);
    curl_url_cleanup(u);
    return rc;
}

/* Sets the request up on x->easy. 0, or an error code with *err set. */
/* fetch's method normalisation: these six are sent upper-case whatever
 * case they were given in; any other method as given. */
static const char *normal_method(const char *m) {
    static const char *const known[] = {"DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"};
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        if (strcasecmp(m, known[i]) == 0)
            return known[i];
    return m;
}

/* Records the first failure of a curl_easy_setopt in configure's cc. */
#define SETOPT(opt, val) note_opt(&cc, curl_easy_setopt(e, (opt), (val)))
static void note_opt(CURLcode *first, CURLcode rc) {
    /* An option or protocol this libcurl was built without is left out, as
     * before options were checked; anything else (out of memory) fails. */
    bool lacking = rc == CURLE_UNKNOWN_OPTION || rc == CURLE_NOT_BUILT_IN ||
                   rc == CURLE_UNSUPPORTED_PROTOCOL;
    if (*first == CURLE_OK && !lacking)
        *first = rc;
}

static int configure(fetch_xfer *x, const tide_fetch_options *o, tide_val *err) {
    CURL *e = x->easy;
    CURLcode cc = CURLE_OK; /* the first option libcurl refused */
    const char *method = o->method;
    tide_type bt = tide_type_of(o->body);
    bool has_body = bt != TIDE_T_UNDEFINED && bt != TIDE_T_NULL;
    bool fixed_body = bt == TIDE_T_STRING || bt == TIDE_T_BYTES;
    if (!method)
        method = has_body ? "POST" : "GET";
    if (has_body && (strcasecmp(method, "GET") == 0 || strcasecmp(method, "HEAD") == 0)) {
        *err = tide_error_new(TIDE_ETYPE, "fetch %s: a %s request cannot have a body", x->url,
                              method);
        return TIDE_ETYPE;
    }
    SETOPT(CURLOPT_URL, x->url);
    SETOPT(CURLOPT_PRIVATE, x);
    SETOPT(CURLOPT_ERRORBUFFER, x->errbuf);
    SETOPT(CURLOPT_NOSIGNAL, 1L);
    SETOPT(CURLOPT_PROTOCOLS_STR, "http,https");
    SETOPT(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    SETOPT(CURLOPT_FOLLOWLOCATION, o->redirect == TIDE_REDIRECT_FOLLOW ? 1L : 0L);
    x->max_redirects = o->max_redirects ? (long)o->max_redirects : DEFAULT_MAX_REDIRECTS;
    SETOPT(CURLOPT_MAXREDIRS, x->max_redirects);
    SETOPT(CURLOPT_HEADERFUNCTION, header_cb);
    SETOPT(CURLOPT_HEADERDATA, x);
    SETOPT(CURLOPT_WRITEFUNCTION, write_cb);
    SETOPT(CURLOPT_WRITEDATA, x);
    SETOPT(CURLOPT_BUFFERSIZE, (long)FETCH_CHUNK);
    SETOPT(CURLOPT_ACCEPT_ENCODING, "");
    SETOPT(CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
    SETOPT(CURLOPT_USERAGENT, "tide/0.1");
    x->timeout_ms = (long)o->timeout_ms;
    x->started_ms = tide_now();
    if (o->timeout_ms)
        SETOPT(CURLOPT_TIMEOUT_MS, (long)o->timeout_ms);
    if (o->insecure) {
        SETOPT(CURLOPT_SSL_VERIFYPEER, 0L);
        SETOPT(CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (is_loopback(x->host)) /* environment proxies are not for loopback */
        SETOPT(CURLOPT_NOPROXY, "*");

    if (strcasecmp(method, "HEAD") == 0)
        SETOPT(CURLOPT_NOBODY, 1L);
    else if (strcasecmp(method, "GET") != 0 && !(has_body && strcasecmp(method, "POST") == 0)) {
        SETOPT(CURLOPT_CUSTOMREQUEST, normal_method(method));
        x->custom_method = true;
        x->post_method = strcasecmp(method, "POST") == 0;
        /* On 301 and 302 fetch keeps a method other than POST, and its
         * body; libcurl would drop the body (its rule for POST). A 303 is
         * see_other's. */
        if (has_body)
            SETOPT(CURLOPT_POSTREDIR, (long)(CURL_REDIR_POST_301 | CURL_REDIR_POST_302));
    }

    struct curl_slist *h = NULL;
    for (size_t i = 0; o->headers && o->headers[i]; i++) {
        struct curl_slist *n = curl_slist_append(h, o->headers[i]);
        if (!n)
            goto oom;
        h = n;
    }
    if (has_body) {
        if (fixed_body) {
            SETOPT(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)tide_str_len(o->body));
            SETOPT(CURLOPT_COPYPOSTFIELDS, tide_str(o->body));
        } else {
            int rc = tide__xfer_upload_setup(x, o->body);
            if (rc < 0) {
                curl_slist_free_all(h);
                *err = tide_error_new(rc, "fetch %s: the body must be a string, bytes or an "
                                          "iterable of chunks", x->url);
                return rc;
            }
            SETOPT(CURLOPT_POST, 1L);
            SETOPT(CURLOPT_READFUNCTION, read_cb);
            SETOPT(CURLOPT_READDATA, x);
            if (!header_given(o->headers, "Content-Length") &&
                !header_given(o->headers, "Transfer-Encoding")) {
                struct curl_slist *n = curl_slist_append(h, "Transfer-Encoding: chunked");
                if (!n)
                    goto oom;
                h = n;
            }
        }
        if (!header_given(o->headers, "Expect")) { /* no 1 s wait for 100-continue */
            struct curl_slist *n = curl_slist_append(h, "Expect:");
            if (!n)
                goto oom;
            h = n;
        }
    }
    x->req_headers = h;
    if (h)
        SETOPT(CURLOPT_HTTPHEADER, h);
    if (cc == CURLE_OK)
        return 0;
    /* libcurl copies string options: out of memory, most likely */
    *err = tide_error_new(cc == CURLE_OUT_OF_MEMORY ? TIDE_ENOMEM : TIDE_EINVAL,
                          "fetch %s: libcurl refused an option: %s", x->url,
                          curl_easy_strerror(cc));
    return tide_error_code(*err);
oom:
    curl_slist_free_all(h);
    *err = tide_error_new(TIDE_ENOMEM, NULL);
    return TIDE_ENOMEM;
}

#undef SETOPT

/* The request's headers without those that describe a body, which fetch
 * drops when a redirect turns the request into a GET. NULL with *oom set
 * when a copy fails; NULL alone when nothing is left. */
static struct curl_slist *bodiless_headers(const struct curl_slist *h, bool *oom) {
    static const char *const body_names[] = {"content-type:", "content-length:",
                                             "content-encoding:", "content-language:",
                                             "content-location:", "transfer-encoding:",
                                             "expect:"};
    struct curl_slist *out = NULL;
    *oom = false;
    for (; h; h = h->next) {
        bool drop = false;
        for (size_t i = 0; i < sizeof body_names / sizeof *body_names; i++)
            drop |= strncasecmp(h->data, body_names[i], strlen(body_names[i])) == 0;
        if (drop)
            continue;
        struct curl_slist *n = curl_slist_append(out, h->data);
        if (!n) {
            *oom = true;
            curl_slist_free_all(out);
            return NULL;
        }
        out = n;
    }
    return out;
}

bool tide__xfer_see_other(fetch_xfer *x) {
    fetch_multi *m = x->m;
    CURL *e = x->easy;
    char *url = x->see_other;
    x->see_other = NULL;
    m->in_curl++;
    curl_multi_remove_handle(m->multi, e);
    m->in_curl--;
    if (x->pull_pending) { /* a streamed body is not sent again */
        tide_timer_stop(x->pull_t);
        x->pull_pending = false;
    }
    x->send_paused = false;
    tide__xfer_headers_reset(x);
    x->errbuf[0] = '\0'; /* the stopped transfer's "failed writing header" */
    x->custom_method = x->post_method = false;
    bool oom;
    struct curl_slist *h = bodiless_headers(x->req_headers, &oom);
    CURLcode cc = oom ? CURLE_OUT_OF_MEMORY : CURLE_OK;
    note_opt(&cc, curl_easy_setopt(e, CURLOPT_URL, url));
    note_opt(&cc, curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, (char *)NULL));
    note_opt(&cc, curl_easy_setopt(e, CURLOPT_HTTPGET, 1L));
    note_opt(&cc, curl_easy_setopt(e, CURLOPT_MAXREDIRS, x->max_redirects - x->hand_redirects));
    note_opt(&cc, curl_easy_setopt(e, CURLOPT_HTTPHEADER, h));
    if (x->timeout_ms) { /* what is left of it: the GET is the same fetch */
        long spent = (long)(tide_now() - x->started_ms);
        long left = spent < x->timeout_ms ? x->timeout_ms - spent : 1;
        note_opt(&cc, curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, left));
    }
    curl_slist_free_all(x->req_headers);
    x->req_headers = h;
    tide__free(url);
    if (cc == CURLE_OK) {
        m->in_curl++;
        CURLMcode mc = curl_multi_add_handle(m->multi, e);
        m->in_curl--;
        if (mc != CURLM_OK)
            cc = mc == CURLM_OUT_OF_MEMORY ? CURLE_OUT_OF_MEMORY : CURLE_FAILED_INIT;
    }
    if (cc != CURLE_OK)
        x->fail = tide__fetch_curl_error(x, cc);
    /* Last: closing the upload's iterator runs its clean-up, which may stop
     * x (the caller holds it and looks). */
    tide__xfer_upload_close(x);
    return cc == CURLE_OK;
}

tide_val tide_fetch(const char *url, const tide_fetch_options *opts) {
    static const tide_fetch_options defaults;
    if (!opts)
        opts = &defaults;
    tide_loop *loop = tide_loop_current();
    if (!loop)
        return reject(TIDE_ENOLOOP, "fetch %s: %s", url ? url : "", "no tide loop on this thread");
    if (!url)
        return reject(TIDE_EINVAL, "fetch%s: %s", "", "url is NULL");
    CURLcode init = curl_init();
    if (init != CURLE_OK)
        return reject(init == CURLE_OUT_OF_MEMORY ? TIDE_ENOMEM : TIDE_EIO, "fetch %s: %s", url,
                      "libcurl failed to initialise");

    tide_val signal = opts->signal;
    if (tide_is_undefined(signal))
        signal = tide_task_signal();
    if (tide_is_null(signal))
        signal = tide_undefined();
    if (tide_abort_signal_aborted(signal))
        return tide_promise_rejected(tide_retain(tide_abort_signal_reason(signal)));

    fetch_xfer *x = tide__calloc(1, sizeof *x);
    if (!x)
        return tide_promise_rejected(tide_error_new(TIDE_ENOMEM, NULL));
    x->redirect = opts->redirect;
    tide_val err = tide_undefined();
    if (parse_url(x, url, &err) != 0)
        goto fail;
    x->easy = curl_easy_init();
    if (!x->easy) {
        err = tide_error_new(TIDE_ENOMEM, "fetch %s: curl_easy_init failed", url);
        goto fail;
    }
    if (configure(x, opts, &err) != 0)
        goto fail;
    fetch_multi *m = tide__multi_get(loop);
    if (!m) {
        err = tide_error_new(TIDE_ENOMEM, NULL);
        goto fail;
    }
    tide_val p = tide_promise_new();
    if (tide_promise_state(p) != TIDE_PENDING) {
        err = tide_retain(tide_promise_result(p));
        tide_release(p);
        goto fail;
    }
    if (tide_is_obj(signal)) {
        int rc = tide_abort_signal_on_abort(signal, tide__xfer_on_abort, x);
        if (rc != 0) {
            tide_release(p);
            err = tide_error_new(rc == TIDE_ENOMEM ? rc : TIDE_ETYPE,
                                 "fetch %s: the signal is not an abort signal", url);
            goto fail;
        }
        x->signal = tide_retain(signal);
    }
    x->fetch_p = tide_retain(p);

    tide__multi_track(m, x); /* in the state's list and count from here on */
    if (is_ip_literal(x->host)) {
        start_transfer(x);
    } else {
        int rc = start_lookup(x);
        if (rc == TIDE_ENOMEM)
            tide__xfer_stop(x, tide_error_new(rc, "fetch %s: no memory to resolve %s", x->url,
                                              x->host), false);
        else if (rc != 0) /* let libcurl resolve it */
            start_transfer(x);
    }
    return p;

fail:
    tide__multi_unused(loop);
    tide__xfer_upload_close(x);
    if (x->easy)
        curl_easy_cleanup(x->easy);
    curl_slist_free_all(x->req_headers);
    x->req_headers = NULL;
    x->easy = NULL;
    tide__xfer_free(x);
    return tide_promise_rejected(err);
}
