// Scheduling policy (pure, host-tested): per-CPU run queue with a strict-priority real-time
// class above a fair, time-sliced normal class.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/intrusive_list.h"

namespace oh {

enum class SchedClass : uint8_t { Realtime, Normal, Idle };

constexpr int kRtPriorities = 32;                 // 0 (lowest) .. 31 (highest)
constexpr uint64_t kNormalSliceNs = 4'000'000;    // time slice among normal threads
constexpr uint64_t kRtSliceNs = 10'000'000;       // round robin among equal RT priorities
constexpr uint64_t kWakeupGranularityNs = 1'000'000;
constexpr uint64_t kSleeperCreditNs = 3'000'000;  // how far behind a waking thread may start

struct SchedEntity {
    SchedClass cls { SchedClass::Normal };
    uint8_t rt_priority { 0 };
    uint32_t weight { 1024 };   // normal class: share of CPU (1024 = nice 0)
    uint64_t vruntime { 0 };    // weighted ns of CPU used (normal class)
    uint64_t affinity { ~0ull };// bit i: may run on CPU i
    uint64_t slice_start_ns { 0 };
    bool running { false };     // on a CPU right now (never stolen while set)
    ListNode rq_node;

    bool pinned_to_one_cpu() const { return affinity && !(affinity & (affinity - 1)); }
};

class RunQueue {
public:
    void enqueue(SchedEntity& e, bool woken = false);
    void dequeue(SchedEntity& e);
    bool contains(const SchedEntity& e) const { return e.rq_node.is_linked(); }

    // Remove and return the entity that should run next (nullptr: run idle).
    SchedEntity* pick_next();
    const SchedEntity* peek_next() const;

    // Does `candidate` (just made runnable) deserve the CPU now instead of `current`?
    bool should_preempt(const SchedEntity& current, const SchedEntity& candidate) const;
    // At a timer tick: has `current` used up its turn, given who is waiting?
    bool slice_expired(const SchedEntity& current, uint64_t now_ns) const;
    // How long `current` may run before the next slice check (UINT64_MAX: until an event).
    uint64_t slice_remaining(const SchedEntity& current, uint64_t now_ns) const;

    // Charge `delta_ns` of CPU time to `current`.
    void account(SchedEntity& current, uint64_t delta_ns);

    // A queued entity that may move to `cpu` (not pinned elsewhere, not running), for
    // load balancing; it is left queued.
    SchedEntity* steal_candidate(int cpu) const;
    // The first queued normal-class entity (left queued), to move them all elsewhere.
    SchedEntity* first_normal() { return m_normal.front(); }

    size_t nr_queued() const { return m_nr_rt + m_normal.size(); }
    size_t nr_rt() const { return m_nr_rt; }
    uint64_t min_vruntime() const { return m_min_vruntime; }

private:
    using List = IntrusiveList<SchedEntity, &SchedEntity::rq_node>;
    int highest_rt() const;
    void update_min_vruntime();

    List m_rt[kRtPriorities];
    uint32_t m_rt_bitmap { 0 };
    size_t m_nr_rt { 0 };
    List m_normal; // sorted by vruntime, smallest first
    uint64_t m_min_vruntime { 0 };
};

} // namespace oh
