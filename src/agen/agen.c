#include "gen/gen.h"
int tide__agen_yield(tide_gen *g, tide_val v, tide_val *in) { (void)g; tide_release(v); *in = tide_undefined(); return TIDE_EINVAL; }
