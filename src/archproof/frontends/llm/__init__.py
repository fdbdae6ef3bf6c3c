"""`archproof design --llm`: a language model drafts, archproof checks, the loop repairs.

    providers.py   the OpenAI-compatible and Anthropic APIs (SDKs imported lazily, here only)
    sections.py    the sections drafted one request each, schemas from the real model
    grounding.py   the task's stated numbers (the drafter's reader) and which ones a design uses
    prompts.py     the request text: task, stated numbers, the draft so far, problems to fix
    feedback.py    problems for the model, each with its YAML excerpt and the section to ask;
                   loader errors here, the analysis' (findings, saturation, SLO misses,
                   unused numbers, figures in answers) in archproof.repair
    loop.py        the session: rounds, budgets, the best valid draft, why it stopped
    record.py      --record / --replay: every request and reply as numbered JSON files

Importing this package loads neither SDK; only making a live provider does.
"""
