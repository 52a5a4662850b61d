"""Real SIP peers for Offhook's end-to-end tests and `make demo`, run inside the network lab.

Import from a test or tool:
    sys.path.insert(0, os.path.join(ROOT, "tools"))
    from peers import kamailio, baresip, sipp, audio, lab

Modules:
    peers.lab       PeerLab: netlab.Lab plus helpers (start Kamailio/baresip/sipp in the namespace)
    peers.kamailio  Kamailio registrar/proxy with MD5 digest auth, no database
    peers.baresip   baresip softphone driven through ctrl_tcp (dial/answer/hangup/events)
    peers.sipp      sipp scenarios (register, call, answer-and-play) run in the namespace
    peers.audio     WAV analysis with the standard library (Goertzel tone finder, gap finder)
"""
