/* Private to lib/store/pg/: the PostgreSQL schema as ordered migrations. */
#ifndef VIGIE_STORE_PG_SCHEMA_H
#define VIGIE_STORE_PG_SCHEMA_H

#include "vigie/store/driver.h"

#define VIGIE_PG_NMIGRATIONS 18
extern const struct vigie_migration vigie_store_pg_migrations[VIGIE_PG_NMIGRATIONS];

#endif
