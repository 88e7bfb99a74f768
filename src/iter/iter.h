/* iter — internal header of the iteration layer. */
#ifndef TIDE_ITER_INTERNAL_H
#define TIDE_ITER_INTERNAL_H

#include "gen/gen.h"
#include "tide/iter.h"

#endif
