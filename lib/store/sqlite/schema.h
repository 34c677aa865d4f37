/* Private to lib/store/sqlite/: the SQLite schema as ordered migrations
 * (never edit a released one: append). */
#ifndef VIGIE_STORE_SQLITE_SCHEMA_H
#define VIGIE_STORE_SQLITE_SCHEMA_H

#include "vigie/store/driver.h"

#define VIGIE_SQLITE_NMIGRATIONS 18
extern const struct vigie_migration vigie_store_sqlite_migrations[VIGIE_SQLITE_NMIGRATIONS];

#endif
