package io.daxkv.cli;

import io.daxkv.server.config.Sizes;
import picocli.CommandLine;

/**
 * picocli converter for size options (64M): {@link Sizes}, the one size grammar, shared with the
 * server's configuration file. A bad size becomes "Invalid value for option '--x': ...", exit 2.
 */
final class SizeConverter implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        try {
            return Sizes.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
