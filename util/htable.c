/*++
/* NAME
/*	htable 3
/* SUMMARY
/*	hash table manager
/* SYNOPSIS
/*	#include <htable.h>
/*
/*	HTABLE	*htable_create(size)
/*	ssize_t	size;
/*
/*	HTABLE_INFO *htable_enter(table, key, value)
/*	HTABLE	*table;
/*	const char *key;
/*	void	*value;
/*
/*	void	*htable_find(table, key)
/*	HTABLE_INFO *htable_locate(table, key)
/*
/*	void	htable_delete(table, key, free_fn)
/*	void	htable_free(table, free_fn)
/*	void	(*free_fn)(void *value);
/*
/*	HTABLE_INFO **htable_list(table)
/*
/*	unsigned long htable_hash(key, len)
/* DESCRIPTION
/*	A hash table of null-terminated string keys. The hash function is
/*	FNV-1a with a random seed chosen once per process, so that a peer
/*	that chooses keys cannot force collisions; set the environment
/*	variable NORANDOMIZE for a fixed seed (tests).
/*
/*	htable_create() makes a table with about \fIsize\fR buckets; it
/*	grows as entries are added.
/*
/*	htable_enter() adds an entry (the key is copied). Adding a key
/*	that is already there is a panic: look it up first.
/*
/*	htable_find() returns the value of a key, or a null pointer;
/*	htable_locate() returns the entry.
/*
/*	htable_delete() removes an entry and calls free_fn (if not null)
/*	for its value. htable_free() destroys the table likewise.
/*
/*	htable_list() returns a null-terminated array of all entries
/*	(release it with myfree()).
/*
/*	htable_hash() is the seeded hash, for other modules.
/* DIAGNOSTICS
/*	Panic: duplicate key. Fatal: out of memory.
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

/* Utility library. */

#include <msg.h>
#include <mymalloc.h>
#include <htable.h>

static unsigned long htable_seed;
static int htable_seeded;

/* htable_hash - seeded FNV-1a */

unsigned long htable_hash(const char *key, size_t len)
{
    unsigned long h;

    if (!htable_seeded) {
	if (getenv("NORANDOMIZE") != 0
	    || getrandom(&htable_seed, sizeof(htable_seed), GRND_NONBLOCK)
	    != sizeof(htable_seed))
	    htable_seed = 0;
	htable_seeded = 1;
    }
    h = 0xcbf29ce484222325UL ^ htable_seed;
    while (len-- > 0) {
	h ^= (unsigned char) *key++;
	h *= 0x100000001b3UL;
    }
    return (h);
}

#define HTABLE_BUCKET(t, k) \
    ((t)->data + htable_hash((k), strlen(k)) % (t)->size)

/* htable_size - allocate buckets */

static void htable_size(HTABLE *table, ssize_t size)
{
    ssize_t i;

    table->size = size;
    table->data = (HTABLE_INFO **) mymalloc(size * sizeof(HTABLE_INFO *));
    for (i = 0; i < size; i++)
	table->data[i] = 0;
}

/* htable_create - create table */

HTABLE *htable_create(ssize_t size)
{
    HTABLE *table = (HTABLE *) mymalloc(sizeof(*table));

    table->used = 0;
    htable_size(table, size < 13 ? 13 : size | 1);
    return (table);
}

/* htable_grow - double the buckets and rehash */

static void htable_grow(HTABLE *table)
{
    HTABLE_INFO **old = table->data;
    ssize_t old_size = table->size;
    HTABLE_INFO *ht;
    HTABLE_INFO *next;
    HTABLE_INFO **bucket;
    ssize_t i;

    htable_size(table, 2 * old_size + 1);
    for (i = 0; i < old_size; i++) {
	for (ht = old[i]; ht; ht = next) {
	    next = ht->next;
	    bucket = HTABLE_BUCKET(table, ht->key);
	    ht->next = *bucket;
	    *bucket = ht;
	}
    }
    myfree((void *) old);
}

/* htable_locate - find entry */

HTABLE_INFO *htable_locate(HTABLE *table, const char *key)
{
    HTABLE_INFO *ht;

    for (ht = *HTABLE_BUCKET(table, key); ht; ht = ht->next)
	if (strcmp(key, ht->key) == 0)
	    return (ht);
    return (0);
}

/* htable_find - find value */

void   *htable_find(HTABLE *table, const char *key)
{
    HTABLE_INFO *ht = htable_locate(table, key);

    return (ht ? ht->value : 0);
}

/* htable_enter - add entry */

HTABLE_INFO *htable_enter(HTABLE *table, const char *key, void *value)
{
    HTABLE_INFO *ht;
    HTABLE_INFO **bucket;

    if (htable_locate(table, key) != 0)
	msg_panic("htable_enter: duplicate key: %.100s", key);
    if (table->used >= table->size)
	htable_grow(table);
    ht = (HTABLE_INFO *) mymalloc(sizeof(*ht));
    ht->key = mystrdup(key);
    ht->value = value;
    bucket = HTABLE_BUCKET(table, key);
    ht->next = *bucket;
    *bucket = ht;
    table->used++;
    return (ht);
}

/* htable_delete - remove entry */

void    htable_delete(HTABLE *table, const char *key, HTABLE_FREE_FN free_fn)
{
    HTABLE_INFO **hp;
    HTABLE_INFO *ht;

    for (hp = HTABLE_BUCKET(table, key); (ht = *hp) != 0; hp = &ht->next) {
	if (strcmp(key, ht->key) == 0) {
	    *hp = ht->next;
	    if (free_fn && ht->value)
		free_fn(ht->value);
	    myfree(ht->key);
	    myfree((void *) ht);
	    table->used--;
	    return;
	}
    }
}

/* htable_free - destroy table */

void    htable_free(HTABLE *table, HTABLE_FREE_FN free_fn)
{
    HTABLE_INFO *ht;
    HTABLE_INFO *next;
    ssize_t i;

    for (i = 0; i < table->size; i++) {
	for (ht = table->data[i]; ht; ht = next) {
	    next = ht->next;
	    if (free_fn && ht->value)
		free_fn(ht->value);
	    myfree(ht->key);
	    myfree((void *) ht);
	}
    }
    myfree((void *) table->data);
    myfree((void *) table);
}

/* htable_list - list all entries */

HTABLE_INFO **htable_list(HTABLE *table)
{
    HTABLE_INFO **list;
    HTABLE_INFO *ht;
    ssize_t i;
    ssize_t n = 0;

    list = (HTABLE_INFO **) mymalloc((table->used + 1) * sizeof(*list));
    for (i = 0; i < table->size; i++)
	for (ht = table->data[i]; ht; ht = ht->next)
	    list[n++] = ht;
    list[n] = 0;
    return (list);
}
