// 82540EM receive and transmit ring processing with legacy descriptors (82540EM SDM 3.2, 3.3).
#include "drivers/net/e1000.h"

#include "lib/bytes.h"

namespace oh::drivers {

using namespace e1000;

size_t E1000::receive(FrameSink& sink, size_t budget)
{
    size_t done = 0;
    while (done < budget) {
        volatile RxDescriptor& d = rx_descriptor(m_rx_next);
        uint8_t status = d.status;
        if (!(status & rx_status::kDone))
            break;
        hw::dma_barrier(); // read length/errors only after DD
        uint16_t length = d.length;
        uint8_t errors = d.errors;
        bool end = status & rx_status::kEndOfPacket;
        if (m_rx_discarding || !end) {
            // 3.2.3: without EOP the frame continues in the next buffer; with 2048-byte
            // buffers and LPE off that is never a frame we want. Skip to its end.
            if (!m_rx_discarding)
                m_counters.rx_errors++;
            m_rx_discarding = !end;
        } else if ((errors & rx_error::kFrameErrors) || length > kE1000BufferSize || length == 0) {
            m_counters.rx_errors++;
        } else {
            m_counters.rx_frames++;
            m_counters.rx_bytes += length;
            sink.on_frame({ m_rx_buffers.cpu + m_rx_next * kE1000BufferSize, length });
        }
        d.status = 0;
        d.errors = 0;
        m_rx_next = (m_rx_next + 1) % kE1000RxDescriptors;
        ++done;
    }
    if (done) {
        hw::dma_barrier();
        // 3.2.6: descriptors before RDT belong to hardware; the last one we processed
        // becomes the gap that keeps head != tail when the ring is full.
        write(Reg::Rdt, uint32_t((m_rx_next + kE1000RxDescriptors - 1) % kE1000RxDescriptors));
    }
    return done;
}

size_t E1000::reclaim_tx()
{
    size_t reclaimed = 0;
    while (m_tx_clean != m_tx_tail) {
        volatile TxDescriptor& d = tx_descriptor(m_tx_clean);
        uint8_t status = d.status;
        if (!(status & tx_status::kDone))
            break;
        if (status & (tx_status::kExcessCollisions | tx_status::kLateCollision)) {
            m_counters.tx_errors++;
        } else {
            m_counters.tx_frames++;
            m_counters.tx_bytes += d.length;
        }
        m_tx_clean = (m_tx_clean + 1) % kE1000TxDescriptors;
        ++reclaimed;
    }
    return reclaimed;
}

Result<void> E1000::transmit(std::span<const uint8_t> frame)
{
    // 3.3.3: one buffer per frame; the NIC appends the FCS (IFCS) and pads (TCTL.PSP).
    if (frame.empty() || frame.size() > kE1000BufferSize) {
        m_counters.tx_errors++;
        return Error::InvalidArgument;
    }
    reclaim_tx();
    size_t next = (m_tx_tail + 1) % kE1000TxDescriptors;
    if (next == m_tx_clean) {
        m_counters.tx_ring_full++;
        return { Error::Busy, "TX ring full" };
    }
    copy_bytes(m_tx_buffers.cpu + m_tx_tail * kE1000BufferSize, frame.data(), frame.size());
    volatile TxDescriptor& d = tx_descriptor(m_tx_tail);
    d.buffer = m_tx_buffers.bus + m_tx_tail * kE1000BufferSize;
    d.length = uint16_t(frame.size());
    d.cso = 0;
    d.css = 0;
    d.special = 0;
    d.status = 0;
    d.command = tx_command::kEndOfPacket | tx_command::kInsertFcs | tx_command::kReportStatus;
    hw::dma_barrier(); // the descriptor and buffer must be visible before the tail moves
    m_tx_tail = next;
    write(Reg::Tdt, uint32_t(next));
    return {};
}

} // namespace oh::drivers
