/* val — error code names and texts, generated from TIDE_ERRNO_MAP. */
#include "tide/errors.h"

const char *tide_strerror(int code) {
    switch (code) {
#define X(name, val, msg) case val: return msg;
        TIDE_ERRNO_MAP(X)
#undef X
    case 0: return "success";
    default: return "unknown error";
    }
}

const char *tide_err_name(int code) {
    switch (code) {
#define X(name, val, msg) case val: return "TIDE_" #name;
        TIDE_ERRNO_MAP(X)
#undef X
    case 0: return "0";
    default: return "TIDE_EUNKNOWN";
    }
}
