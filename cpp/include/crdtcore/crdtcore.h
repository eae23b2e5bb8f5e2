// crdtcore.h — umbrella include.
#pragma once

#include "crdtcore/array.h"
#include "crdtcore/bytes.h"
#include "crdtcore/client_ranges.h"
#include "crdtcore/delete_set.h"
#include "crdtcore/doc.h"
#include "crdtcore/error.h"
#include "crdtcore/events.h"
#include "crdtcore/id.h"
#include "crdtcore/map.h"
#include "crdtcore/shared.h"
#include "crdtcore/state_vector.h"
#include "crdtcore/sticky_index.h"
#include "crdtcore/text.h"
#include "crdtcore/undo_manager.h"
#include "crdtcore/update.h"
#include "crdtcore/value.h"
