// Intrusive list, ring buffer and fixed pool.
#include "lib/intrusive_list.h"
#include "lib/pool.h"
#include "lib/ring_buffer.h"

#include <gtest/gtest.h>

namespace {

struct Item {
    int v;
    oh::ListNode node;
};
using List = oh::IntrusiveList<Item, &Item::node>;

TEST(IntrusiveList, PushPopRemoveOrder)
{
    Item a { 1, {} }, b { 2, {} }, c { 3, {} };
    List l;
    EXPECT_TRUE(l.is_empty());
    l.push_back(a);
    l.push_back(b);
    l.push_front(c);
    EXPECT_EQ(l.size(), 3u);
    EXPECT_EQ(l.front()->v, 3);
    EXPECT_EQ(l.back()->v, 2);
    l.remove(a);
    EXPECT_FALSE(a.node.is_linked());
    EXPECT_EQ(l.pop_front()->v, 3);
    EXPECT_EQ(l.pop_front()->v, 2);
    EXPECT_EQ(l.pop_front(), nullptr);
    EXPECT_EQ(l.size(), 0u);
}

TEST(IntrusiveList, InsertBeforeKeepsSortedOrder)
{
    Item items[5] = { { 5, {} }, { 1, {} }, { 4, {} }, { 2, {} }, { 3, {} } };
    List l;
    for (auto& it : items) {
        Item* pos = l.front();
        while (pos && pos->v < it.v)
            pos = l.next(*pos);
        if (pos)
            l.insert_before(*pos, it);
        else
            l.push_back(it);
    }
    int expect = 1;
    l.for_each([&](Item& i) { EXPECT_EQ(i.v, expect++); });
}

TEST(RingBuffer, FifoAndFull)
{
    oh::RingBuffer<int, 3> r;
    EXPECT_TRUE(r.push(1));
    EXPECT_TRUE(r.push(2));
    EXPECT_TRUE(r.push(3));
    EXPECT_FALSE(r.push(4));
    int v;
    EXPECT_TRUE(r.pop(v));
    EXPECT_EQ(v, 1);
    EXPECT_TRUE(r.push(5));
    EXPECT_EQ(r.at(2), 5);
    for (int want : { 2, 3, 5 }) {
        ASSERT_TRUE(r.pop(v));
        EXPECT_EQ(v, want);
    }
    EXPECT_FALSE(r.pop(v));
}

TEST(Pool, ExhaustsAndRejectsDoubleFree)
{
    oh::Pool<Item, 4> p;
    Item* got[4];
    for (auto& g : got)
        ASSERT_NE(g = p.create(7, oh::ListNode {}), nullptr);
    EXPECT_EQ(p.create(8, oh::ListNode {}), nullptr);
    EXPECT_EQ(p.in_use(), 4u);
    EXPECT_TRUE(p.destroy(got[1]));
    EXPECT_FALSE(p.destroy(got[1]));
    Item outside { 0, {} };
    EXPECT_FALSE(p.destroy(&outside));
    EXPECT_NE(p.create(9, oh::ListNode {}), nullptr);
    EXPECT_EQ(p.high_water(), 4u);
}

} // namespace
