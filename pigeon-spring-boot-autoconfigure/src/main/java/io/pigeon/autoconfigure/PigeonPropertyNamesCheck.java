package io.pigeon.autoconfigure;

import java.beans.PropertyDescriptor;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.pigeon.autoconfigure.UnknownPigeonPropertiesException.UnknownKey;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeanUtils;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.Environment;

/**
 * Fails start-up, before any bean is created and so before the installer touches the catalog,
 * when a key under {@code pigeon.schemas}, {@code pigeon.install}, {@code pigeon.listener} or
 * {@code pigeon.durable} is
 * not a property of {@link PigeonProperties}: Spring Boot's binding ignores unknown keys, so
 * {@code colums: [id]} would silently send every column and {@code udpate-of} fire on every
 * update. The valid keys are the JavaBean properties of the properties classes, found by
 * reflection, so a property added there is known here at once; the suggestion is the valid key
 * at the shortest edit distance. Other {@code pigeon.*} keys (an application's own, such as the
 * sample's {@code pigeon.sample.demo}) are left alone.
 */
final class PigeonPropertyNamesCheck implements BeanFactoryPostProcessor, EnvironmentAware {

	private static final ConfigurationPropertyName PREFIX = ConfigurationPropertyName.of("pigeon");

	private static final Set<String> CHECKED_GROUPS = Set.of("schemas", "install", "listener", "durable");

	private @Nullable Environment environment;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
		if (this.environment != null) {
			check(this.environment);
		}
	}

	/**
	 * Check every Pigeon key of the environment.
	 * @param environment the application's environment
	 * @throws UnknownPigeonPropertiesException listing every unknown key
	 */
	static void check(Environment environment) {
		Map<String, UnknownKey> unknown = new LinkedHashMap<>();
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			if (!(source instanceof IterableConfigurationPropertySource iterable)) {
				continue;
			}
			iterable.filter(PREFIX::isAncestorOf).forEach((name) -> {
				UnknownKey key = unknownKey(name, source);
				if (key != null) {
					unknown.putIfAbsent(key.path(), key);
				}
			});
		}
		if (!unknown.isEmpty()) {
			throw new UnknownPigeonPropertiesException(new ArrayList<>(unknown.values()));
		}
	}

	private static @Nullable UnknownKey unknownKey(ConfigurationPropertyName name, ConfigurationPropertySource source) {
		if (!CHECKED_GROUPS.contains(name.getElement(1, Form.UNIFORM))) {
			return null;
		}
		ResolvableType type = ResolvableType.forClass(PigeonProperties.class);
		for (int i = 1; i < name.getNumberOfElements(); i++) {
			if (name.isNumericIndex(i)) {
				type = elementType(type);
				if (type == null) {
					return null;
				}
				continue;
			}
			Class<?> beanClass = type.resolve();
			if (!isPigeonBean(beanClass)) {
				// A map, a simple value or a list of them: its own keys are free.
				return null;
			}
			Map<String, PropertyDescriptor> properties = properties(beanClass);
			PropertyDescriptor property = properties.get(name.getElement(i, Form.UNIFORM));
			if (property == null) {
				return unknown(name, i, properties.values(), source);
			}
			type = ResolvableType.forMethodReturnType(property.getReadMethod());
		}
		return null;
	}

	private static boolean isPigeonBean(@Nullable Class<?> type) {
		if (type == null || type.isEnum()) {
			return false;
		}
		for (Class<?> enclosing = type; enclosing != null; enclosing = enclosing.getEnclosingClass()) {
			if (enclosing == PigeonProperties.class) {
				return true;
			}
		}
		return false;
	}

	private static @Nullable ResolvableType elementType(ResolvableType type) {
		if (type.isArray()) {
			return type.getComponentType();
		}
		if (Collection.class.isAssignableFrom(type.toClass())) {
			return type.asCollection().getGeneric(0);
		}
		return null;
	}

	/**
	 * Return the bindable properties of a class in their dashed form, by their uniform form
	 * (lower case without dashes, as {@link ConfigurationPropertyName} compares them).
	 */
	private static Map<String, PropertyDescriptor> properties(Class<?> beanClass) {
		Map<String, PropertyDescriptor> properties = new LinkedHashMap<>();
		for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(beanClass)) {
			Method read = descriptor.getReadMethod();
			if (read != null && read.getDeclaringClass() != Object.class) {
				properties.put(uniform(dashed(descriptor.getName())), descriptor);
			}
		}
		return properties;
	}

	private static UnknownKey unknown(ConfigurationPropertyName name, int index,
			Collection<PropertyDescriptor> validProperties, ConfigurationPropertySource source) {
		ConfigurationPropertyName path = name;
		while (path.getNumberOfElements() > index + 1) {
			path = path.getParent();
		}
		String key = name.getElement(index, Form.ORIGINAL);
		List<String> validKeys = new ArrayList<>();
		for (PropertyDescriptor property : validProperties) {
			validKeys.add(dashed(property.getName()));
		}
		ConfigurationProperty set = source.getConfigurationProperty(name);
		String origin = (set != null && set.getOrigin() != null) ? String.valueOf(set.getOrigin()) : null;
		return new UnknownKey(path.toString(), key, nearest(key, validKeys), validKeys, origin);
	}

	/**
	 * Return the valid key nearest to what was written, if it is near enough to be a typo: at
	 * most a third of its length in edits (insertions, deletions, substitutions, transpositions).
	 */
	static @Nullable String nearest(String key, List<String> validKeys) {
		String written = uniform(key);
		String nearest = null;
		int best = Integer.MAX_VALUE;
		for (String validKey : validKeys) {
			int distance = distance(written, uniform(validKey));
			if (distance < best) {
				best = distance;
				nearest = validKey;
			}
		}
		return (nearest != null && best <= Math.max(2, written.length() / 3)) ? nearest : null;
	}

	/**
	 * Return the optimal string alignment distance between two strings: Levenshtein's, with a
	 * transposition of two neighbouring characters counted as one edit ({@code udpate}).
	 */
	static int distance(String a, String b) {
		int[][] d = new int[a.length() + 1][b.length() + 1];
		for (int i = 0; i <= a.length(); i++) {
			d[i][0] = i;
		}
		for (int j = 0; j <= b.length(); j++) {
			d[0][j] = j;
		}
		for (int i = 1; i <= a.length(); i++) {
			for (int j = 1; j <= b.length(); j++) {
				int cost = (a.charAt(i - 1) == b.charAt(j - 1)) ? 0 : 1;
				d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
				if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
					d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
				}
			}
		}
		return d[a.length()][b.length()];
	}

	private static String dashed(String beanPropertyName) {
		StringBuilder dashed = new StringBuilder();
		for (char c : beanPropertyName.toCharArray()) {
			if (Character.isUpperCase(c)) {
				dashed.append('-').append(Character.toLowerCase(c));
			}
			else {
				dashed.append(c);
			}
		}
		return dashed.toString();
	}

	private static String uniform(String key) {
		return key.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
	}

}
