/* A header of the higher layer; including the lower one is allowed. */
#include "low/leaf.h"
