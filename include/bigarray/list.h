/*
 * bigarray/list.h - a minimal intrusive doubly-linked list.
 *
 * virtmem threads pages and mappings on these lists (dirty pages of a file
 * handle, LRU of a RAM, mappings of a file handle).  Nothing here allocates.
 */
#ifndef BIGARRAY_LIST_H
#define BIGARRAY_LIST_H

#include <stddef.h>

struct list_head
{
	struct list_head *prev;
	struct list_head *next;
};

#define LIST_HEAD_INIT(name) { &(name), &(name) }
#define list_entry(ptr, type, member) \
	((type *) ((char *) (ptr) - offsetof(type, member)))
#define list_for_each_safe(pos, tmp, head) \
	for ((pos) = (head)->next, (tmp) = (pos)->next; (pos) != (head); \
		 (pos) = (tmp), (tmp) = (pos)->next)

static inline void
list_init(struct list_head *h)
{
	h->prev = h->next = h;
}

static inline int
list_empty(const struct list_head *h)
{
	return h->next == h;
}

/* Insert item before head, i.e. at the tail of the list. */
static inline void
list_add_tail(struct list_head *item, struct list_head *head)
{
	item->prev = head->prev;
	item->next = head;
	head->prev->next = item;
	head->prev = item;
}

/* Unlink item and leave it as an empty list, so unlinking twice is harmless. */
static inline void
list_del_init(struct list_head *item)
{
	item->prev->next = item->next;
	item->next->prev = item->prev;
	list_init(item);
}

#endif							/* BIGARRAY_LIST_H */
