#!/usr/bin/env python3
"""The demo's call report (issue 16), from a real short call: tools/demo.py's run_call() in the
lab (phone in QEMU -> Kamailio -> baresip, REPORT_TALK_SECONDS of talk, default 4) into
build/test-demo-report/, its summary, then tools/demo_report.py's report, opened in headless
chromium:
  - every <img> loaded (complete && naturalWidth > 0 in the DOM once the page's load event ran,
    recorded by a small script in a copy of the page) and the summary table is there;
  - a screenshot of the whole page is not blank where each image is (non-white and coloured
    pixels inside each image's box);
  - the plots carry the call: the spectra the report plotted peak at the tones the two ends
    sent (1 kHz heard at the phone's speaker, 440 Hz heard by baresip), both RTP directions
    arrive every ~20 ms, the jitter buffer was sampled during the call;
  - the same checker rejects a copy of the report with one image path broken (the test can
    fail), and no chromium process is left running.
Prints PASS/FAIL lines (prefix demo_report/) and exits 0.
"""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import demo  # noqa: E402
import demo_report  # noqa: E402
import hosttools  # noqa: E402
from peers import proc  # noqa: E402

OUT = os.path.join(ROOT, "build", "test-demo-report")
TALK_SECONDS = int(os.environ.get("REPORT_TALK_SECONDS", "4"))
WINDOW_WIDTH = 1100
# Records, once every image has loaded or failed, what the DOM says of each one.
CHECK_SCRIPT = """<script>
window.addEventListener("load", () => {
  const images = [...document.images].map(i => {
    const r = i.getBoundingClientRect();
    return {src: i.getAttribute("src"), loaded: i.complete && i.naturalWidth > 0, natural_width: i.naturalWidth,
            x: r.left + scrollX, y: r.top + scrollY, w: r.width, h: r.height};
  });
  const out = document.createElement("pre");
  out.id = "imgcheck";
  out.textContent = JSON.stringify({images, rows: document.querySelectorAll("table tr").length,
                                    height: document.documentElement.scrollHeight});
  document.body.appendChild(out);
});
</script>"""
# Counted by an interpreter that has PIL (hosttools.python_with): per box, the share of pixels
# that are not white and of those that are coloured (a plot's data, not only its frame).
PIXELS = """
import json, sys
from PIL import Image
img = Image.open(sys.argv[1]).convert("RGB")
out = []
for x, y, w, h in json.loads(sys.argv[2]):
    box = img.crop((int(x), int(y), int(x + w), int(y + h)))
    px = list(box.getdata()) or [(255, 255, 255)]
    ink = sum(1 for p in px if min(p) < 230)
    colour = sum(1 for p in px if max(p) - min(p) > 60)
    out.append({"ink": ink / len(px), "colour": colour / len(px), "size": box.size})
print(json.dumps({"size": img.size, "boxes": out}))
"""


def result(name, ok, detail=""):
    print(f"{'PASS' if ok else 'FAIL'} demo_report/{name}{'' if ok else ': ' + str(detail)[:700]}", flush=True)


def leftover_chromium(profile):
    """Pids of processes whose command line names our chromium profile directory."""
    pids = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if profile.encode() in f.read():
                    pids.append(int(pid))
        except OSError:
            pass
    return pids


def chromium(args, timeout=60):
    """Run headless chromium in its own process group with a private profile; afterwards kill
    the group and anything else that names the profile. Returns (stdout, leftover pids)."""
    profile = tempfile.mkdtemp(prefix="ohchromium-")
    p = proc.track(subprocess.Popen(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
         "--force-device-scale-factor=1", f"--user-data-dir={profile}", *args],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True))
    p.offhook_group = True  # proc.stop() ends its whole group
    try:
        out, _ = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        out = b""
    proc.stop(p, timeout=2)
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    time.sleep(0.2)
    left = leftover_chromium(profile)
    for pid in left:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    subprocess.run(["rm", "-rf", profile])
    return out.decode(errors="replace"), left


def check_page(html_path):
    """Open the report in chromium: DOM check, then a screenshot of the whole page. Returns
    (problems, facts, leftover chromium pids)."""
    html_path = os.path.abspath(html_path)
    d = os.path.dirname(html_path)
    base = os.path.splitext(os.path.basename(html_path))[0]
    probe = os.path.join(d, f"{base}-check.html")  # beside it, so relative image paths hold
    with open(html_path) as f:
        page = f.read()
    with open(probe, "w") as f:
        f.write(page.replace("</body>", CHECK_SCRIPT + "</body>"))
    problems, left = [], []
    dom, gone = chromium([f"--window-size={WINDOW_WIDTH},1000", "--dump-dom", f"file://{probe}"])
    left += gone
    start = dom.find('<pre id="imgcheck">')
    if start < 0:
        return [f"no image record in the DOM dump ({len(dom)} bytes)"], {}, left
    facts = json.loads(dom[start + len('<pre id="imgcheck">'):dom.find("</pre>", start)].replace("&amp;", "&"))
    images = facts["images"]
    if not images:
        problems.append("the page has no images")
    problems += [f"{i['src']} did not load (naturalWidth {i['natural_width']})" for i in images if not i["loaded"]]
    shot = os.path.join(d, f"{base}-screenshot.png")
    if os.path.exists(shot):
        os.remove(shot)
    height = min(12000, int(facts["height"]) + 20)
    _, gone = chromium([f"--window-size={WINDOW_WIDTH},{height}", f"--screenshot={shot}", f"file://{probe}"])
    left += gone
    if not os.path.exists(shot):
        return problems + ["chromium wrote no screenshot"], facts, left
    py = hosttools.python_with("PIL")
    boxes = [(i["x"], i["y"], i["w"], i["h"]) for i in images]
    r = subprocess.run([py, "-c", PIXELS, shot, json.dumps(boxes)], capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        return problems + [f"pixel count failed: {r.stderr[-300:]}"], facts, left
    px = json.loads(r.stdout)
    facts["screenshot"] = {"path": shot, "size": px["size"]}
    for i, box in zip(images, px["boxes"]):
        i["pixels"] = box
        if box["size"][1] < 100 or box["ink"] < 0.01 or box["colour"] < 0.001:
            problems.append(f"{i['src']} is blank in the screenshot: box {box['size']}, "
                            f"{box['ink']:.2%} non-white, {box['colour']:.2%} coloured")
    return problems, facts, left


def check_numbers(n, talk_seconds):
    """What the report says it plotted must be the call's signal."""
    out = []
    for key, want, tol in (("speaker", demo.PEER_TONE_HZ, 5), ("heard", demo.PHONE_TONE_HZ, 5)):
        s = n.get(key)
        out.append((f"{key}_spectrum_peak_{want}hz", bool(s) and abs(s["peak_hz"] - want) <= tol, s))
    expect = talk_seconds * 50 * 0.8
    for way in ("peer_to_phone", "phone_to_peer"):
        s = (n.get("rtp") or {}).get(way)
        ok = bool(s) and s["packets"] >= expect and abs(s.get("median_ms", 0) - 20) <= 2
        out.append((f"rtp_{way}_every_20ms", ok, s))
    jb = n.get("jitter_buffer")
    ok = bool(jb) and jb["samples"] >= talk_seconds / demo.POLL_SECONDS * 0.5 and jb["depth_ms"]["max"] > 0
    out.append(("jitter_buffer_sampled", ok, jb))
    return out


def main():
    gone = (hosttools.missing("qemu-system-x86_64", "kamailio", "baresip", "tshark", "dnsmasq", "ip", "chromium")
            or hosttools.missing_modules("matplotlib", "numpy") or hosttools.missing_modules("PIL"))
    if gone:
        result("tools", False, gone)
        return 0
    t0 = time.time()
    summary = demo.run_call(OUT, talk_seconds=TALK_SECONDS)
    if summary.get("error"):
        result("call", False, summary["error"])
        return 0
    rows = demo.summary_rows(summary, OUT)
    demo.write_summary(OUT, summary, rows)
    t_call = time.time() - t0
    try:
        numbers = demo_report.write_report(OUT)
    except RuntimeError as e:
        result("report_written", False, e)
        return 0
    t_report = time.time() - t0 - t_call
    result("report_written", os.path.exists(numbers["html"]) and len(numbers["images"]) == 6, numbers["images"])
    for name, ok, detail in check_numbers(numbers, TALK_SECONDS):
        result(name, ok, detail)

    problems, facts, left = check_page(numbers["html"])
    result("images_loaded_and_drawn", not problems, problems)
    result("summary_table_in_page", facts.get("rows") == len(rows), f"{facts.get('rows')} rows, want {len(rows)}")

    # The checker must catch a broken image: the same page with one image path wrong.
    broken = os.path.join(OUT, "report-broken.html")
    with open(numbers["html"]) as f:
        page = f.read()
    with open(broken, "w") as f:
        f.write(re.sub(r'<img src="[^"]*"', '<img src="no_such_plot.png"', page, count=1))
    bad, _, left2 = check_page(broken)
    result("broken_image_path_detected",
           any("no_such_plot.png did not load" in p for p in bad) and any("no_such_plot.png is blank" in p for p in bad),
           bad)
    result("no_chromium_left_running", not (left + left2), f"killed leftover pids {left + left2}")
    print(f"demo_report: call {t_call:.0f} s, report {t_report:.1f} s, page checks {time.time() - t0 - t_call - t_report:.1f} s; "
          f"speaker peak {numbers.get('speaker', {}).get('peak_hz')} Hz, baresip heard peak "
          f"{numbers.get('heard', {}).get('peak_hz')} Hz; report {numbers['html']}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
