"""Command-line flags as cobra and pflag read them.

Flags may come anywhere among the arguments, in every spelling pflag accepts:
``--namespace web``, ``--namespace=web``, ``-n web``, ``-nweb``, ``-n=web``, ``-A``,
``--overwrite=false``, several one-letter booleans at once (``-Ao wide``); ``--`` ends
them. Mistakes are refused with pflag's own words (``unknown flag: --foo``,
``flag needs an argument: 'n' in -n``, ``invalid argument "x" for "--replicas" flag:
...``) followed by cobra's ``See 'kubectl get --help' for usage.``
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kube_lab.kubectl.output import flag_error


@dataclass(frozen=True)
class Flag:
    name: str
    short: str = ""
    type: type = str  # str, int or bool
    default: Any = None
    repeated: bool = False  # -f a.yaml -f b.yaml collects a list
    bare: str | None = None  # pflag's NoOptDefVal: the value of ``--cascade`` alone

    def label(self) -> str:
        """How pflag names the flag in messages: ``-r, --replicas`` or ``--replicas``."""
        return f"-{self.short}, --{self.name}" if self.short else f"--{self.name}"


#: kubectl's persistent flags that kube_lab honours.
GLOBAL_FLAGS = (Flag("namespace", "n", default=""),)


@dataclass
class ParsedArgs:
    args: list[str]
    values: dict[str, Any]
    given: set[str]  # flags the user set explicitly

    def __getitem__(self, name: str) -> Any:
        return self.values[name]


def parse(tokens: list[str], flags: tuple[Flag, ...], *, command: str) -> ParsedArgs:
    """Split ``tokens`` into positional arguments and flag values; pflag's errors."""
    by_name = {f.name: f for f in flags}
    by_short = {f.short: f for f in flags if f.short}
    values: dict[str, Any] = {f.name: ([] if f.repeated else f.default) for f in flags}
    given: set[str] = set()
    args: list[str] = []

    def store(flag: Flag, text: str) -> None:
        value = _convert(flag, text, command=command)
        if flag.repeated:
            values[flag.name].append(value)
        else:
            values[flag.name] = value
        given.add(flag.name)

    i = 0
    while i < len(tokens):
        token = tokens[i]
        i += 1
        if token == "--":
            args.extend(tokens[i:])
            break
        if token.startswith("--"):
            name, has_value, text = token[2:].partition("=")
            flag = by_name.get(name)
            if flag is None:
                raise flag_error(f"unknown flag: --{name}", command=command)
            if flag.bare is not None and not has_value:
                store(flag, flag.bare)
            elif flag.type is bool and not has_value:
                store(flag, "true")
            elif has_value:
                store(flag, text)
            elif i < len(tokens):
                store(flag, tokens[i])
                i += 1
            else:
                raise flag_error(f"flag needs an argument: --{name}", command=command)
        elif token.startswith("-") and len(token) > 1:
            shorts = token[1:]
            for j, letter in enumerate(shorts):
                flag = by_short.get(letter)
                if flag is None:
                    raise flag_error(
                        f"unknown shorthand flag: '{letter}' in -{shorts}", command=command
                    )
                rest = shorts[j + 1 :]
                if flag.type is bool:
                    if rest.startswith("="):
                        store(flag, rest[1:])
                        break
                    store(flag, "true")
                    continue
                if rest:
                    store(flag, rest.removeprefix("="))
                elif i < len(tokens):
                    store(flag, tokens[i])
                    i += 1
                else:
                    raise flag_error(
                        f"flag needs an argument: '{letter}' in -{shorts}", command=command
                    )
                break
        else:
            args.append(token)
    return ParsedArgs(args, values, given)


# strconv.ParseBool's spellings
_TRUE = frozenset(("1", "t", "T", "true", "TRUE", "True"))
_FALSE = frozenset(("0", "f", "F", "false", "FALSE", "False"))


def _convert(flag: Flag, text: str, *, command: str) -> Any:
    if flag.type is bool:
        if text in _TRUE or text in _FALSE:
            return text in _TRUE
        raise _invalid(flag, text, f'strconv.ParseBool: parsing "{text}": invalid syntax', command)
    if flag.type is int:
        try:
            return int(text)
        except ValueError:
            detail = f'strconv.ParseInt: parsing "{text}": invalid syntax'
            raise _invalid(flag, text, detail, command) from None
    return text


def _invalid(flag: Flag, text: str, detail: str, command: str) -> Exception:
    return flag_error(
        f'invalid argument "{text}" for "{flag.label()}" flag: {detail}', command=command
    )
