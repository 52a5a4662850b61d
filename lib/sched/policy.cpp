// Run queue policy: RT = strict priority with FIFO/RR per level; normal = smallest weighted
// virtual runtime first (a simplified CFS).
#include "lib/sched/policy.h"

namespace oh {

int RunQueue::highest_rt() const
{
    return m_rt_bitmap ? 31 - __builtin_clz(m_rt_bitmap) : -1;
}

void RunQueue::update_min_vruntime()
{
    if (auto* first = m_normal.front(); first && first->vruntime > m_min_vruntime)
        m_min_vruntime = first->vruntime;
}

void RunQueue::enqueue(SchedEntity& e, bool woken)
{
    if (e.rq_node.is_linked())
        return;
    if (e.cls == SchedClass::Realtime) {
        int p = e.rt_priority < kRtPriorities ? e.rt_priority : kRtPriorities - 1;
        m_rt[p].push_back(e);
        m_rt_bitmap |= 1u << p;
        m_nr_rt++;
        return;
    }
    if (e.cls != SchedClass::Normal)
        return;
    // A thread that slept (or came from another CPU) must not own the CPU until it has
    // "caught up", nor be starved: place it near the queue's current virtual time.
    uint64_t floor = m_min_vruntime > kSleeperCreditNs ? m_min_vruntime - kSleeperCreditNs : 0;
    if (woken && e.vruntime < floor)
        e.vruntime = floor;
    SchedEntity* pos = m_normal.front();
    while (pos && pos->vruntime <= e.vruntime)
        pos = m_normal.next(*pos);
    if (pos)
        m_normal.insert_before(*pos, e);
    else
        m_normal.push_back(e);
}

void RunQueue::dequeue(SchedEntity& e)
{
    if (!e.rq_node.is_linked())
        return;
    if (e.cls == SchedClass::Realtime) {
        int p = e.rt_priority < kRtPriorities ? e.rt_priority : kRtPriorities - 1;
        m_rt[p].remove(e);
        if (m_rt[p].is_empty())
            m_rt_bitmap &= ~(1u << p);
        m_nr_rt--;
    } else {
        m_normal.remove(e);
        update_min_vruntime();
    }
}

const SchedEntity* RunQueue::peek_next() const
{
    if (int p = highest_rt(); p >= 0)
        return m_rt[p].front();
    return m_normal.front();
}

SchedEntity* RunQueue::pick_next()
{
    auto* e = const_cast<SchedEntity*>(peek_next());
    if (e)
        dequeue(*e);
    return e;
}

bool RunQueue::should_preempt(const SchedEntity& current, const SchedEntity& candidate) const
{
    if (current.cls == SchedClass::Idle)
        return candidate.cls != SchedClass::Idle;
    if (candidate.cls == SchedClass::Realtime) {
        if (current.cls != SchedClass::Realtime)
            return true;
        return candidate.rt_priority > current.rt_priority;
    }
    if (current.cls == SchedClass::Realtime || candidate.cls != SchedClass::Normal)
        return false;
    return candidate.vruntime + kWakeupGranularityNs < current.vruntime;
}

bool RunQueue::slice_expired(const SchedEntity& current, uint64_t now_ns) const
{
    return slice_remaining(current, now_ns) == 0;
}

uint64_t RunQueue::slice_remaining(const SchedEntity& current, uint64_t now_ns) const
{
    uint64_t used = now_ns > current.slice_start_ns ? now_ns - current.slice_start_ns : 0;
    uint64_t slice;
    switch (current.cls) {
    case SchedClass::Idle:
        return nr_queued() ? 0 : UINT64_MAX;
    case SchedClass::Realtime: {
        int top = highest_rt();
        if (top > current.rt_priority)
            return 0;
        if (top < current.rt_priority)
            return UINT64_MAX; // nobody at this level to share with
        slice = kRtSliceNs;
        break;
    }
    case SchedClass::Normal:
        if (m_nr_rt)
            return 0;
        if (m_normal.is_empty())
            return UINT64_MAX;
        slice = kNormalSliceNs;
        break;
    }
    return used >= slice ? 0 : slice - used;
}

void RunQueue::account(SchedEntity& current, uint64_t delta_ns)
{
    if (current.cls != SchedClass::Normal)
        return;
    uint32_t w = current.weight ? current.weight : 1;
    current.vruntime += delta_ns * 1024 / w;
    // min_vruntime only moves forward: it follows the smallest of the running thread and
    // the queue's head.
    uint64_t lowest = current.vruntime;
    if (auto* first = m_normal.front(); first && first->vruntime < lowest)
        lowest = first->vruntime;
    if (lowest > m_min_vruntime)
        m_min_vruntime = lowest;
}

SchedEntity* RunQueue::steal_candidate(int cpu) const
{
    SchedEntity* found = nullptr;
    auto consider = [&](SchedEntity& e) {
        if (!found && !e.running && (e.affinity & (1ull << cpu)))
            found = &e;
    };
    // Prefer moving normal threads; RT threads move only when their own CPU is busy with
    // something at least as urgent (the caller only steals when it is idle).
    m_normal.for_each(consider);
    for (int p = kRtPriorities - 1; p >= 0 && !found; p--)
        m_rt[p].for_each(consider);
    return found;
}

} // namespace oh
