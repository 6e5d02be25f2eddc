#!/usr/bin/env python3
"""Write the word table related papers weigh words by: how many papers use each word,
where each lies in the topic space, and the regions of that space its papers fill.

paperfeed ships a table counted over the real Hugging Face daily papers corpus
(machine learning). A site about another field gets better related papers from
its own table: count it over an archive of a few thousand of its papers, commit
the file, and name it in mkdocs.yml (``extra.paperfeed.related_words``).

    python scripts/word_table.py papers/ > related-words.tsv
    python scripts/word_table.py --hf-data ../shared/data/hf-daily-papers > src/paperfeed/related/words.tsv

Counting again changes every paper's vector, so the next build computes every
list afresh (once).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("archive", nargs="?", type=Path, help="a papers/ folder")
    parser.add_argument("--hf-data", type=Path, help="a folder of Hugging Face daily papers API responses")
    parser.add_argument("--least", type=int, default=3, help="leave out words fewer papers use (default 3)")
    args = parser.parse_args()
    from paperfeed.related import count_table

    if args.hf_data:
        from paperfeed.sources import Batch, read_file

        batch = Batch()
        for path in sorted(args.hf_data.glob("*.json")):
            batch.extend(read_file(path))
        papers = batch.papers
    elif args.archive:
        from paperfeed.archive.store import paper_files, read_entry

        papers = [read_entry(path).paper for path in paper_files(args.archive)]
    else:
        parser.error("name an archive folder or --hf-data")
    if not papers:
        sys.exit("no papers found")
    sys.stdout.write(count_table(papers, least=args.least).dumps())


if __name__ == "__main__":
    main()
