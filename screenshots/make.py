"""Regenerate every screenshot in this folder from the demo backend.

    python screenshots/make.py                # every scene, SVG and PNG
    python screenshots/make.py --only main    # some scenes (comma-separated names)
    python screenshots/make.py --no-png       # SVG only (no converter needed)

The scenes (fixed clock, data, size; no cursor blink) are the ones the snapshot tests
check, defined in `tests/snapshots/scenes.py`; two runs write identical files. SVGs are
Textual's own export. PNGs are converted with `rsvg-convert` (Debian/Ubuntu:
`apt-get install librsvg2-bin fonts-firacode fonts-wqy-microhei`; Fira Code is the font
the SVG asks for, WenQuanYi Micro Hei draws the zh-CN screens' Chinese characters).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CONVERTER = "rsvg-convert"
INSTALL_HINT = "apt-get install librsvg2-bin fonts-firacode fonts-wqy-microhei"


def png_from_svg(svg: str) -> bytes:
    """The PNG of a Textual SVG screenshot, drawn by rsvg-convert.

    Rich writes spaces as `&#160;`; librsvg drops them at the start of a text run unless
    the document says `xml:space="preserve"`, so that is added first.
    """
    svg = svg.replace("<svg ", '<svg xml:space="preserve" ', 1)
    done = subprocess.run([CONVERTER, "--format=png"], input=svg.encode(), capture_output=True)
    if done.returncode != 0:
        raise SystemExit(f"{CONVERTER} failed: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout


def has_fira_code() -> bool:
    """Whether fontconfig knows Fira Code (otherwise PNGs use another monospace font)."""
    if shutil.which("fc-list") is None:
        return False
    fonts = subprocess.run(["fc-list", ":family"], capture_output=True, text=True).stdout
    return "Fira Code" in fonts


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(ROOT))  # run as a script: make `tests.snapshots` importable
    from tests.snapshots.scenes import SCENES, shoot

    names = [scene.name for scene in SCENES]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", metavar="NAME[,NAME]", help=f"any of {', '.join(names)}")
    parser.add_argument("--no-png", action="store_true", help="write the SVGs only")
    args = parser.parse_args(argv)

    chosen = list(SCENES)
    if args.only:
        wanted = [name.strip() for name in args.only.split(",") if name.strip()]
        unknown = sorted(set(wanted) - set(names))
        if unknown:
            parser.error(f"unknown scene(s) {', '.join(unknown)}; known: {', '.join(names)}")
        chosen = [scene for scene in SCENES if scene.name in wanted]
    if not args.no_png:
        if shutil.which(CONVERTER) is None:
            print(f"make.py: no {CONVERTER}: {INSTALL_HINT} (or pass --no-png)", file=sys.stderr)
            return 1
        if not has_fira_code():
            print(f"make.py: Fira Code is not installed; PNGs use another font ({INSTALL_HINT})")

    for scene in chosen:
        svg = asyncio.run(shoot(scene))
        svg_path = HERE / f"{scene.name}.svg"
        svg_path.write_text(svg, encoding="utf-8")
        written = [svg_path.name]
        if not args.no_png:
            png_path = HERE / f"{scene.name}.png"
            png_path.write_bytes(png_from_svg(svg))
            written.append(png_path.name)
        print(f"{' + '.join(written):<36} {scene.size[0]}x{scene.size[1]}  {scene.about}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
