// Scheduler policy: strict RT priority, fair sharing of normal threads, preemption rules,
// slices and stealing.
#include "lib/sched/policy.h"

#include <gtest/gtest.h>

#include <map>

using namespace oh;

namespace {

SchedEntity rt(uint8_t prio)
{
    SchedEntity e;
    e.cls = SchedClass::Realtime;
    e.rt_priority = prio;
    return e;
}

SchedEntity normal(uint64_t vruntime = 0, uint32_t weight = 1024)
{
    SchedEntity e;
    e.vruntime = vruntime;
    e.weight = weight;
    return e;
}

TEST(SchedPolicy, RealtimeBeforeNormalHighestFirst)
{
    RunQueue rq;
    SchedEntity n = normal(), low = rt(3), high = rt(20);
    rq.enqueue(n);
    rq.enqueue(low);
    rq.enqueue(high);
    EXPECT_EQ(rq.nr_queued(), 3u);
    EXPECT_EQ(rq.pick_next(), &high);
    EXPECT_EQ(rq.pick_next(), &low);
    EXPECT_EQ(rq.pick_next(), &n);
    EXPECT_EQ(rq.pick_next(), nullptr);
}

TEST(SchedPolicy, EqualRealtimeIsFifo)
{
    RunQueue rq;
    SchedEntity a = rt(5), b = rt(5);
    rq.enqueue(a);
    rq.enqueue(b);
    EXPECT_EQ(rq.pick_next(), &a);
    rq.enqueue(a);
    EXPECT_EQ(rq.pick_next(), &b);
}

TEST(SchedPolicy, PreemptionRules)
{
    RunQueue rq;
    SchedEntity idle;
    idle.cls = SchedClass::Idle;
    SchedEntity n1 = normal(10'000'000), n2 = normal(0), r5 = rt(5), r9 = rt(9);
    EXPECT_TRUE(rq.should_preempt(idle, n1));
    EXPECT_TRUE(rq.should_preempt(n1, r5));
    EXPECT_TRUE(rq.should_preempt(r5, r9));
    EXPECT_FALSE(rq.should_preempt(r9, r5));
    EXPECT_FALSE(rq.should_preempt(r5, rt(5)));
    EXPECT_FALSE(rq.should_preempt(r5, n2));
    EXPECT_TRUE(rq.should_preempt(n1, n2));  // far behind in virtual time
    EXPECT_FALSE(rq.should_preempt(n2, n1));
}

TEST(SchedPolicy, NormalThreadsShareFairlyByWeight)
{
    // Simulate a CPU: the picked thread runs for its slice, then goes back in the queue.
    RunQueue rq;
    SchedEntity a = normal(0, 1024), b = normal(0, 1024), c = normal(0, 2048);
    std::map<SchedEntity*, uint64_t> ran;
    rq.enqueue(a);
    rq.enqueue(b);
    rq.enqueue(c);
    uint64_t now = 0;
    for (int i = 0; i < 3000; i++) {
        SchedEntity* e = rq.pick_next();
        ASSERT_NE(e, nullptr);
        e->slice_start_ns = now;
        uint64_t run = rq.slice_remaining(*e, now);
        ASSERT_EQ(run, kNormalSliceNs);
        now += run;
        rq.account(*e, run);
        ran[e] += run;
        rq.enqueue(*e);
    }
    double total = double(ran[&a] + ran[&b] + ran[&c]);
    EXPECT_NEAR(ran[&a] / total, 0.25, 0.01);
    EXPECT_NEAR(ran[&b] / total, 0.25, 0.01);
    EXPECT_NEAR(ran[&c] / total, 0.50, 0.01);
}

TEST(SchedPolicy, SleeperDoesNotMonopolise)
{
    RunQueue rq;
    SchedEntity busy = normal(0), sleeper = normal(0);
    rq.enqueue(busy);
    SchedEntity* e = rq.pick_next();
    rq.account(*e, 1'000'000'000); // busy ran for a second alone
    rq.enqueue(*e);
    rq.enqueue(sleeper, /*woken=*/true);
    EXPECT_GE(sleeper.vruntime + kSleeperCreditNs, rq.min_vruntime());
    EXPECT_EQ(rq.pick_next(), &sleeper); // it does get to run first...
    rq.account(sleeper, kSleeperCreditNs + kNormalSliceNs);
    rq.enqueue(sleeper);
    EXPECT_EQ(rq.pick_next(), &busy); // ...but only for about its credit
}

TEST(SchedPolicy, SlicesDependOnCompetition)
{
    RunQueue rq;
    SchedEntity cur = normal(0);
    cur.slice_start_ns = 0;
    EXPECT_EQ(rq.slice_remaining(cur, 100), UINT64_MAX); // alone: run until an event
    SchedEntity other = normal(0);
    rq.enqueue(other);
    EXPECT_EQ(rq.slice_remaining(cur, 1'000'000), kNormalSliceNs - 1'000'000);
    EXPECT_TRUE(rq.slice_expired(cur, kNormalSliceNs));
    SchedEntity r = rt(1);
    rq.enqueue(r);
    EXPECT_TRUE(rq.slice_expired(cur, 0)); // RT waiting: normal must yield now

    RunQueue rq2;
    SchedEntity r1 = rt(4), r2 = rt(4);
    r1.slice_start_ns = 0;
    EXPECT_EQ(rq2.slice_remaining(r1, 5), UINT64_MAX);
    rq2.enqueue(r2);
    EXPECT_EQ(rq2.slice_remaining(r1, 0), kRtSliceNs);
}

TEST(SchedPolicy, StealRespectsAffinityAndRunning)
{
    RunQueue rq;
    SchedEntity pinned = normal(0), running = normal(1), free = normal(2);
    pinned.affinity = 1ull << 0;
    running.running = true;
    rq.enqueue(pinned);
    rq.enqueue(running);
    rq.enqueue(free);
    EXPECT_EQ(rq.steal_candidate(1), &free);
    rq.dequeue(free);
    EXPECT_EQ(rq.steal_candidate(1), nullptr);
    EXPECT_EQ(rq.steal_candidate(0), &pinned);
    EXPECT_TRUE(pinned.pinned_to_one_cpu());
    EXPECT_FALSE(free.pinned_to_one_cpu());
}

TEST(SchedPolicy, DoubleEnqueueAndDequeueAreHarmless)
{
    RunQueue rq;
    SchedEntity a = rt(2);
    rq.enqueue(a);
    rq.enqueue(a);
    EXPECT_EQ(rq.nr_queued(), 1u);
    rq.dequeue(a);
    rq.dequeue(a);
    EXPECT_EQ(rq.nr_queued(), 0u);
    EXPECT_EQ(rq.pick_next(), nullptr);
}

} // namespace
